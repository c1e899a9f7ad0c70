<#
.SYNOPSIS
  Creates the Task Scheduler tasks that push backup starts and results on the backup's own
  events.
.DESCRIPTION
  Two tasks per kind: one runs the script with -Start when the backup starts (Windows Server
  Backup event 1, Veeam Agent event 110), one reports the result when it ends.
.EXAMPLE
  # Windows Server Backup
  .\Register-BackupPushTask.ps1 -Kind WindowsServerBackup -Url http://praxis-srv:10612/push/wsb -TokenFile C:\ProgramData\praxis-exporters\wsb.token
  # Veeam Agent for Windows
  .\Register-BackupPushTask.ps1 -Kind VeeamAgent -Url http://praxis-srv:10612/push/veeam-agent -TokenFile C:\ProgramData\praxis-exporters\veeam-agent.token
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)] [ValidateSet('WindowsServerBackup', 'VeeamAgent')] [string] $Kind,
    [Parameter(Mandatory = $true)] [string] $Url,
    [Parameter(Mandatory = $true)] [string] $TokenFile,
    [string] $ScriptDir = $PSScriptRoot
)
$ErrorActionPreference = 'Stop'

if ($Kind -eq 'WindowsServerBackup') {
    $log = 'Microsoft-Windows-Backup'
    $query = '*[System[(EventID=4 or EventID=5 or EventID=7 or EventID=9 or EventID=19 or EventID=49)]]'
    $startQuery = '*[System[(EventID=1)]]'
    $script = Join-Path $ScriptDir 'Send-WindowsServerBackupResult.ps1'
    $name = 'praxis-backup-push-wsb'
} else {
    $log = 'Veeam Agent'
    $query = '*[System[(EventID=190)]]'
    $startQuery = '*[System[(EventID=110)]]'
    $script = Join-Path $ScriptDir 'Send-VeeamAgentResult.ps1'
    $name = 'praxis-backup-push-veeam-agent'
}

# The token file: readable by SYSTEM and Administrators only.
icacls $TokenFile /inheritance:r /grant:r 'SYSTEM:R' 'Administrators:R' | Out-Null

$class = Get-CimClass -ClassName MSFT_TaskEventTrigger -Namespace Root/Microsoft/Windows/TaskScheduler
$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit (New-TimeSpan -Minutes 5) -StartWhenAvailable

function Register-PushTask([string] $TaskName, [string] $EventQuery, [string] $Extra, [string] $What) {
    $trigger = New-CimInstance -CimClass $class -ClientOnly
    $trigger.Subscription = "<QueryList><Query Id='0' Path='$log'><Select Path='$log'>$EventQuery</Select></Query></QueryList>"
    $trigger.Enabled = $true
    $action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument (
        "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$script`" -Url `"$Url`" -TokenFile `"$TokenFile`"$Extra")
    Register-ScheduledTask -TaskName $TaskName -Trigger $trigger -Action $action -Principal $principal `
        -Settings $settings -Description "Reports backup $What to praxis-backup-exporter" -Force | Out-Null
    Write-Host "Task $TaskName registered: runs $script$Extra on $log events."
}

Register-PushTask -TaskName "$name-start" -EventQuery $startQuery -Extra ' -Start' -What 'starts'
Register-PushTask -TaskName $name -EventQuery $query -Extra '' -What 'results'

