<#
.SYNOPSIS
  Reports the result of the last Windows Server Backup run to praxis-backup-exporter.
.DESCRIPTION
  Run by a Task Scheduler task triggered on the Microsoft-Windows-Backup events below
  (see Register-BackupPushTask.ps1). Event 4 = backup completed successfully;
  5, 7, 9, 19, 49 = backup failed / cancelled / target not available.
  Duration comes from Get-WBJob when the WindowsServerBackup module is present; without it
  the exporter takes the time since the start signal.
  With -Start (run by a second task on event 1, "backup started") it only signals the start
  (POST <Url>/start): the exporter then shows the run as running and alerts when it does not
  finish within the target's max_duration.
.EXAMPLE
  .\Send-WindowsServerBackupResult.ps1 -Url http://praxis-srv:10612/push/wsb -TokenFile C:\ProgramData\praxis-exporters\wsb.token
.EXAMPLE
  .\Send-WindowsServerBackupResult.ps1 -Start -Url http://praxis-srv:10612/push/wsb -TokenFile C:\ProgramData\praxis-exporters\wsb.token
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)] [string] $Url,
    [Parameter(Mandatory = $true)] [string] $TokenFile,
    [switch] $Start
)
$ErrorActionPreference = 'Stop'
$token = (Get-Content -Raw -Path $TokenFile).Trim()

if ($Start) {
    for ($attempt = 1; $attempt -le 3; $attempt++) {
        try {
            Invoke-RestMethod -Method Post -Uri "$($Url.TrimEnd('/'))/start" -Body '' `
                -Headers @{ Authorization = "Bearer $token" } -TimeoutSec 15 | Out-Null
            exit 0
        } catch {
            Start-Sleep -Seconds (5 * $attempt)
        }
    }
    exit 1
}

$SuccessIds = @(4)
$FailureIds = @(5, 7, 9, 19, 49)

$event = Get-WinEvent -FilterHashtable @{
    LogName = 'Microsoft-Windows-Backup'
    Id      = $SuccessIds + $FailureIds
} -MaxEvents 1

$body = @{
    success   = [bool]($SuccessIds -contains $event.Id)
    timestamp = [int64]([DateTimeOffset]$event.TimeCreated).ToUnixTimeSeconds()
    message   = "Windows Server Backup event $($event.Id)"
}
try {
    Import-Module WindowsServerBackup -ErrorAction Stop
    $job = Get-WBJob -Previous 1
    if ($job.StartTime -and $job.EndTime) {
        $body.duration_seconds = [math]::Round(($job.EndTime - $job.StartTime).TotalSeconds)
    }
} catch {
    # module not installed: send without duration
}

$json = $body | ConvertTo-Json -Compress
for ($attempt = 1; $attempt -le 3; $attempt++) {
    try {
        Invoke-RestMethod -Method Post -Uri $Url -Body $json -ContentType 'application/json' `
            -Headers @{ Authorization = "Bearer $token" } -TimeoutSec 15 | Out-Null
        exit 0
    } catch {
        Start-Sleep -Seconds (10 * $attempt)
    }
}
Write-EventLog -LogName Application -Source 'praxis-backup-push' -EventId 1 -EntryType Warning `
    -Message "Could not report the Windows Server Backup result to $Url" -ErrorAction SilentlyContinue
exit 1
