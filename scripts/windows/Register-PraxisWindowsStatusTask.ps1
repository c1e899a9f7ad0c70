<#
.SYNOPSIS
    Installs Write-PraxisWindowsStatus.ps1 and registers its scheduled task
    (Praxis-WindowsStatus.task.xml) as SYSTEM. Run once, elevated, from this directory.

.DESCRIPTION
    Not run on Windows by this project's tests (they parse it with tree-sitter-powershell).

.PARAMETER InstallDirectory
    Where the status script is copied to (the task's -File path points there).

.PARAMETER OutputDirectory
    windows_exporter's textfile directory, if not the default one.

.PARAMETER CriticalService
    Extra PVS service names for WindowsPvsServiceNotRunning (see the status script).

.EXAMPLE
    .\Register-PraxisWindowsStatusTask.ps1 -CriticalService 'PVSSyncService'
#>
[CmdletBinding()]
param(
    [string] $InstallDirectory = (Join-Path $env:ProgramFiles 'windows_exporter\scripts'),
    [string] $OutputDirectory = '',
    [string[]] $CriticalService = @()
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$taskNamespace = 'http://schemas.microsoft.com/windows/2004/02/mit/task'

New-Item -ItemType Directory -Path $InstallDirectory -Force | Out-Null
Copy-Item -LiteralPath (Join-Path $here 'Write-PraxisWindowsStatus.ps1') -Destination $InstallDirectory -Force
$script = Join-Path $InstallDirectory 'Write-PraxisWindowsStatus.ps1'

# -File passes every argument as one string: the status script splits -CriticalService at commas.
$arguments = '-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}"' -f $script
if ($OutputDirectory) {
    $arguments += ' -OutputDirectory "{0}"' -f $OutputDirectory
}
if ($CriticalService.Count -gt 0) {
    $arguments += ' -CriticalService "{0}"' -f ($CriticalService -join ',')
}

[xml] $task = Get-Content -LiteralPath (Join-Path $here 'Praxis-WindowsStatus.task.xml') -Raw -Encoding UTF8
$names = New-Object System.Xml.XmlNamespaceManager -ArgumentList $task.NameTable
$names.AddNamespace('t', $taskNamespace)
$task.SelectSingleNode('/t:Task/t:Actions/t:Exec/t:Arguments', $names).InnerText = $arguments

Register-ScheduledTask -TaskName 'Praxis-WindowsStatus' -TaskPath '\Praxis\' -Xml $task.OuterXml -Force | Out-Null
Start-ScheduledTask -TaskName 'Praxis-WindowsStatus' -TaskPath '\Praxis\'
Write-Output ('Registered \Praxis\Praxis-WindowsStatus: {0}' -f $arguments)
