<#
.SYNOPSIS
  Reports the result of the last Veeam Agent for Windows job to praxis-backup-exporter.
.DESCRIPTION
  Veeam Agent writes event 190 ("Backup job finished") to the "Veeam Agent" log at the end
  of every job. Its level carries the result: Information = Success, Warning = finished
  with warnings (a restore point exists: counts as success), Error = Failed.
  Run by a Task Scheduler task triggered on that event (Register-BackupPushTask.ps1).
  With -Start (run by a second task on event 110, "job started") it only signals the start
  (POST <Url>/start); the result's duration is then the time since that start.
.EXAMPLE
  .\Send-VeeamAgentResult.ps1 -Url http://praxis-srv:10612/push/veeam-agent -TokenFile C:\ProgramData\praxis-exporters\veeam-agent.token
.EXAMPLE
  .\Send-VeeamAgentResult.ps1 -Start -Url http://praxis-srv:10612/push/veeam-agent -TokenFile C:\ProgramData\praxis-exporters\veeam-agent.token
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

$event = Get-WinEvent -FilterHashtable @{ LogName = 'Veeam Agent'; Id = 190 } -MaxEvents 1
# Level: 2 = Error, 3 = Warning, 4 = Information
$result = switch ($event.Level) {
    2 { 'Failed' }
    3 { 'Warning' }
    default { 'Success' }
}

$body = @{
    success   = ($result -ne 'Failed')
    timestamp = [int64]([DateTimeOffset]$event.TimeCreated).ToUnixTimeSeconds()
    message   = "Veeam Agent event 190: $result"
} | ConvertTo-Json -Compress

for ($attempt = 1; $attempt -le 3; $attempt++) {
    try {
        Invoke-RestMethod -Method Post -Uri $Url -Body $body -ContentType 'application/json' `
            -Headers @{ Authorization = "Bearer $token" } -TimeoutSec 15 | Out-Null
        exit 0
    } catch {
        Start-Sleep -Seconds (10 * $attempt)
    }
}
exit 1
