<#
.SYNOPSIS
    Writes what windows_exporter does not collect (Microsoft Defender, Security Center
    antivirus, pending reboot, last successful Windows Update installation) as a .prom file
    for windows_exporter's textfile collector.

.DESCRIPTION
    Part of praxis-exporters (docs/exporters/windows.md). Run it every 15 minutes as SYSTEM
    from the scheduled task in Praxis-WindowsStatus.task.xml. It writes
    praxis_windows_status.prom into the textfile directory exactly as the collector demands:
    UTF-8 without BOM (Windows PowerShell 5.1 writes UTF-16 by default, which the collector
    rejects), LF line ends, every family with HELP and TYPE, no timestamps, no duplicate
    series, values as numbers formatted with the invariant culture (a German locale would
    write 0,5), written to a temporary file in the same directory and then swapped in, so
    that a scrape never reads half a file.

    Each part runs on its own: a part that fails reports
    praxis_windows_status_collector_success{collector="<part>"} 0 and the others still run.

    This project's tests do not run this script on Windows: they parse it with a real
    PowerShell grammar (tree-sitter-powershell) and check a sample of its output with
    promtool. Try it on one server with -Verbose before rolling it out.

.PARAMETER OutputDirectory
    windows_exporter's textfile directory (--collector.textfile.directories).

.PARAMETER StateDirectory
    Where the script remembers since when a reboot is pending (one small file).

.PARAMETER CriticalService
    Extra Windows service names (not display names) that the practice software needs, in
    addition to the default list in alerting-rules/windows.rules.yml. Each is written as
    praxis_windows_critical_service{name="..."} 1 and watched by WindowsPvsServiceNotRunning.
    They must also match windows_exporter's --collector.service.include.

.EXAMPLE
    .\Write-PraxisWindowsStatus.ps1 -CriticalService 'MedatixxServer', 'TomedoServer' -Verbose
#>
[CmdletBinding()]
param(
    [string] $OutputDirectory = (Join-Path $env:ProgramFiles 'windows_exporter\textfile_inputs'),
    [string] $StateDirectory = (Join-Path $env:ProgramData 'praxis-exporters'),
    [string[]] $CriticalService = @()
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$OutputFileName = 'praxis_windows_status.prom'
$Invariant = [System.Globalization.CultureInfo]::InvariantCulture
# name -> @{ Help = '...'; Samples = ordered(label text -> value) }
$Families = [ordered]@{}

function ConvertTo-LabelValue {
    param([string] $Text)
    return $Text.Replace('\', '\\').Replace('"', '\"').Replace("`r", '').Replace("`n", '\n')
}

function Format-Labels {
    param([hashtable] $Labels)
    if ($null -eq $Labels -or $Labels.Count -eq 0) {
        return ''
    }
    $parts = foreach ($key in ($Labels.Keys | Sort-Object)) {
        '{0}="{1}"' -f $key, (ConvertTo-LabelValue ([string] $Labels[$key]))
    }
    return '{' + ($parts -join ',') + '}'
}

function Add-Sample {
    <# One gauge sample. The same name and labels twice keeps the last value: never a duplicate series. #>
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Help,
        [Parameter(Mandatory)] [double] $Value,
        [hashtable] $Labels = @{}
    )
    if (-not $Families.Contains($Name)) {
        $Families[$Name] = @{ Help = $Help; Samples = [ordered]@{} }
    }
    $Families[$Name].Samples[(Format-Labels $Labels)] = $Value
}

function ConvertTo-Bit {
    param($Flag)
    if ($Flag) { return 1 } else { return 0 }
}

function Get-OptionalProperty {
    <# A property that older Defender platforms do not have is $null, not a strict-mode error. #>
    param($Object, [string] $Name)
    $property = $Object.PSObject.Properties[$Name]
    if ($null -eq $property) { return $null }
    return $property.Value
}

function ConvertTo-UnixSeconds {
    param([datetime] $Time)
    if ($Time.Kind -eq [System.DateTimeKind]::Unspecified) {
        $Time = [datetime]::SpecifyKind($Time, [System.DateTimeKind]::Local)
    }
    return [double] ([System.DateTimeOffset] $Time.ToUniversalTime()).ToUnixTimeSeconds()
}

function Set-PartResult {
    param([string] $Part, [bool] $Success)
    Add-Sample -Name 'praxis_windows_status_collector_success' `
        -Help '1 if this part of Write-PraxisWindowsStatus.ps1 succeeded on its last run, 0 if it failed (see the Application event log).' `
        -Value (ConvertTo-Bit $Success) -Labels @{ collector = $Part }
}

function Invoke-Part {
    <# Runs one part; a failure is counted and logged, the other parts still run. #>
    param([string] $Part, [scriptblock] $Body)
    try {
        & $Body
        Set-PartResult -Part $Part -Success $true
    }
    catch {
        Set-PartResult -Part $Part -Success $false
        Write-Warning ("{0}: {1}" -f $Part, $_.Exception.Message)
    }
}

function Add-DefenderStatus {
    $command = Get-Command -Name 'Get-MpComputerStatus' -ErrorAction SilentlyContinue
    $service = Get-Service -Name 'WinDefend' -ErrorAction SilentlyContinue
    $present = ($null -ne $command) -and ($null -ne $service)
    Add-Sample -Name 'praxis_windows_defender_present' `
        -Help '1 if Microsoft Defender Antivirus is installed (WinDefend service and Get-MpComputerStatus exist).' `
        -Value (ConvertTo-Bit $present)
    if (-not $present) {
        return
    }
    $status = Get-MpComputerStatus
    Add-Sample -Name 'praxis_windows_defender_antivirus_enabled' `
        -Help 'Get-MpComputerStatus AntivirusEnabled: 1 if the Defender antivirus engine is enabled.' `
        -Value (ConvertTo-Bit (Get-OptionalProperty $status 'AntivirusEnabled'))
    Add-Sample -Name 'praxis_windows_defender_realtime_protection_enabled' `
        -Help 'Get-MpComputerStatus RealTimeProtectionEnabled: 1 if real-time protection is on.' `
        -Value (ConvertTo-Bit (Get-OptionalProperty $status 'RealTimeProtectionEnabled'))
    Add-Sample -Name 'praxis_windows_defender_signatures_out_of_date' `
        -Help 'Get-MpComputerStatus DefenderSignaturesOutOfDate: 1 if Defender itself considers its signatures out of date.' `
        -Value (ConvertTo-Bit (Get-OptionalProperty $status 'DefenderSignaturesOutOfDate'))
    $updated = Get-OptionalProperty $status 'AntivirusSignatureLastUpdated'
    if ($null -ne $updated) {
        Add-Sample -Name 'praxis_windows_defender_signature_updated_timestamp_seconds' `
            -Help 'Get-MpComputerStatus AntivirusSignatureLastUpdated as a Unix timestamp.' `
            -Value (ConvertTo-UnixSeconds $updated)
    }
    $mode = [string] (Get-OptionalProperty $status 'AMRunningMode')
    $current = switch -Regex ($mode) {
        '^Normal' { 'normal'; break }
        '^EDR Block' { 'edr_block'; break }
        '^SxS Passive' { 'sxs_passive'; break }
        '^Passive' { 'passive'; break }
        default { 'other' }
    }
    foreach ($state in @('normal', 'passive', 'edr_block', 'sxs_passive', 'other')) {
        Add-Sample -Name 'praxis_windows_defender_running_mode' `
            -Help 'Get-MpComputerStatus AMRunningMode as a state set: 1 for the current mode (passive = another antivirus is primary).' `
            -Value (ConvertTo-Bit ($state -eq $current)) -Labels @{ mode = $state }
    }
}

function Add-SecurityCenterStatus {
    # root/SecurityCenter2 exists on Windows client editions only; a Windows Server has none.
    $products = $null
    try {
        $products = @(Get-CimInstance -Namespace 'root/SecurityCenter2' -ClassName 'AntiVirusProduct' -ErrorAction Stop)
    }
    catch {
        # "Invalid namespace" (a CimException) means no Security Center; anything else is a failure
        if ($_.Exception.GetType().Name -ne 'CimException') {
            throw
        }
        Add-Sample -Name 'praxis_windows_security_center_available' `
            -Help '1 if Windows Security Center (root/SecurityCenter2) answers; Windows Server editions have none.' `
            -Value 0
        return
    }
    Add-Sample -Name 'praxis_windows_security_center_available' `
        -Help '1 if Windows Security Center (root/SecurityCenter2) answers; Windows Server editions have none.' `
        -Value 1
    foreach ($product in $products) {
        # productState is a bit field (not documented by Microsoft, widely used):
        # 0x1000 set = real-time scanning on; 0x10 set = signatures out of date.
        $state = [int] $product.productState
        $labels = @{ product = [string] $product.displayName }
        Add-Sample -Name 'praxis_windows_antivirus_product_enabled' `
            -Help 'Security Center AntiVirusProduct productState: 1 if the product reports real-time scanning on.' `
            -Value (ConvertTo-Bit (($state -band 0x1000) -ne 0)) -Labels $labels
        Add-Sample -Name 'praxis_windows_antivirus_product_signatures_up_to_date' `
            -Help 'Security Center AntiVirusProduct productState: 1 if the product reports its signatures up to date.' `
            -Value (ConvertTo-Bit (($state -band 0x10) -eq 0)) -Labels $labels
    }
}

function Test-RebootPendingSource {
    param([string] $Source)
    switch ($Source) {
        'component_based_servicing' {
            return Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'
        }
        'windows_update' {
            return Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
        }
        'pending_file_rename' {
            $value = Get-ItemProperty -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager' `
                -Name 'PendingFileRenameOperations' -ErrorAction SilentlyContinue
            return ($null -ne $value) -and (@($value.PendingFileRenameOperations | Where-Object { $_ }).Count -gt 0)
        }
    }
    return $false
}

function Add-RebootPendingStatus {
    $now = ConvertTo-UnixSeconds (Get-Date)
    $anyPending = $false
    foreach ($source in @('component_based_servicing', 'windows_update', 'pending_file_rename')) {
        $pending = [bool] (Test-RebootPendingSource -Source $source)
        $anyPending = $anyPending -or $pending
        Add-Sample -Name 'praxis_windows_reboot_pending' `
            -Help '1 if this registry source says a reboot is pending (component_based_servicing, windows_update, pending_file_rename).' `
            -Value (ConvertTo-Bit $pending) -Labels @{ source = $source }
    }
    $stateFile = Join-Path $StateDirectory 'reboot-pending-since.txt'
    if (-not $anyPending) {
        Remove-Item -LiteralPath $stateFile -ErrorAction SilentlyContinue
        return
    }
    $boot = ConvertTo-UnixSeconds (Get-CimInstance -ClassName 'Win32_OperatingSystem').LastBootUpTime
    $since = $null
    if (Test-Path -LiteralPath $stateFile) {
        $text = (Get-Content -LiteralPath $stateFile -Raw).Trim()
        $parsed = 0.0
        if ([double]::TryParse($text, [System.Globalization.NumberStyles]::Float, $Invariant, [ref] $parsed)) {
            $since = $parsed
        }
    }
    # A pending reboot seen before the last boot is not the one pending now.
    if ($null -eq $since -or $since -lt $boot) {
        $since = $now
        New-Item -ItemType Directory -Path $StateDirectory -Force | Out-Null
        [System.IO.File]::WriteAllText($stateFile, $since.ToString('R', $Invariant))
    }
    Add-Sample -Name 'praxis_windows_reboot_pending_since_timestamp_seconds' `
        -Help 'When this script first saw the pending reboot (Unix time); absent while no reboot is pending.' `
        -Value $since
}

function Add-UpdateHistoryStatus {
    $session = New-Object -ComObject 'Microsoft.Update.Session'
    $searcher = $session.CreateUpdateSearcher()
    $count = $searcher.GetTotalHistoryCount()
    if ($count -le 0) {
        return
    }
    # Operation 1 = installation, ResultCode 2 = succeeded. Daily Defender signature
    # packages and the monthly removal tool would hide months without real updates.
    $installed = @($searcher.QueryHistory(0, [Math]::Min($count, 500)) | Where-Object {
            $_.Operation -eq 1 -and $_.ResultCode -eq 2 -and
            $_.Title -notmatch 'KB2267602|KB2461484|KB915597|KB890830'
        })
    if ($installed.Count -eq 0) {
        return
    }
    $latest = ($installed | Sort-Object -Property Date -Descending | Select-Object -First 1).Date
    # IUpdateHistoryEntry.Date is in UTC.
    $latest = [datetime]::SpecifyKind($latest, [System.DateTimeKind]::Utc)
    Add-Sample -Name 'praxis_windows_update_last_success_timestamp_seconds' `
        -Help 'Unix time of the newest successful Windows Update installation (without Defender signature packages and the removal tool).' `
        -Value (ConvertTo-UnixSeconds $latest)
}

function Add-CriticalServices {
    # Called with -File, all names arrive as one string: split at commas.
    $names = @($CriticalService | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim(" '`"") } |
            Where-Object { $_ } | Sort-Object -Unique)
    foreach ($name in $names) {
        Add-Sample -Name 'praxis_windows_critical_service' `
            -Help 'A Windows service this site marked as needed by the practice software (-CriticalService).' `
            -Value 1 -Labels @{ name = $name }
    }
}

function Get-Exposition {
    $lines = New-Object System.Collections.Generic.List[string]
    foreach ($name in $Families.Keys) {
        $family = $Families[$name]
        $lines.Add(('# HELP {0} {1}' -f $name, $family.Help))
        $lines.Add(('# TYPE {0} gauge' -f $name))
        foreach ($labels in $family.Samples.Keys) {
            $value = ([double] $family.Samples[$labels]).ToString('R', $Invariant)
            $lines.Add(('{0}{1} {2}' -f $name, $labels, $value))
        }
    }
    return ($lines -join "`n") + "`n"
}

function Write-Exposition {
    <# UTF-8 without BOM to a temporary file (not *.prom, so never read half-written), then swapped in. #>
    param([string] $Text)
    New-Item -ItemType Directory -Path $OutputDirectory -Force | Out-Null
    $target = Join-Path $OutputDirectory $OutputFileName
    $temporary = Join-Path $OutputDirectory ('{0}.{1}.tmp' -f $OutputFileName, $PID)
    $encoding = New-Object System.Text.UTF8Encoding -ArgumentList $false
    [System.IO.File]::WriteAllText($temporary, $Text, $encoding)
    if (Test-Path -LiteralPath $target) {
        [System.IO.File]::Replace($temporary, $target, [NullString]::Value)
    }
    else {
        [System.IO.File]::Move($temporary, $target)
    }
}

Invoke-Part -Part 'defender' -Body { Add-DefenderStatus }
Invoke-Part -Part 'security_center' -Body { Add-SecurityCenterStatus }
Invoke-Part -Part 'reboot_pending' -Body { Add-RebootPendingStatus }
Invoke-Part -Part 'update_history' -Body { Add-UpdateHistoryStatus }
Add-CriticalServices
$exposition = Get-Exposition
Write-Verbose $exposition
Write-Exposition -Text $exposition
