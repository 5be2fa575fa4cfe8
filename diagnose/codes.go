package diagnose

import "sort"

// Known is what gomsi knows about a Windows Installer error or exit code.
type Known struct {
	Code    int
	Message string // the text Windows Installer shows
	Meaning string // what it means in practice
	Fix     string
}

// known holds the errors packagers meet when they install Go at scale.
// Messages are Windows Installer's; meanings and fixes come from the
// failures they describe.
var known = map[int]Known{
	1602: {1602, "User cancelled installation.", "Someone cancelled the installation, or a UI was shown where no one could answer it.",
		"Install silently: msiexec /i go.msi /qn."},
	1603: {1603, "Fatal error during installation.", "An action failed; the real cause is the failing action and the lines just before it (a launch condition, a file in use, no permission on the install folder).",
		"Read the lines above the failing action; for a launch condition the log holds its message (Windows version, administrator rights, a newer Go installed)."},
	1618: {1618, "Another installation is already in progress. Complete that installation before proceeding with this install.",
		"Windows Installer runs one installation at a time: Windows Update, SCCM/Intune or another msiexec holds the lock (the _MSIExecute mutex).",
		"Wait for the other installation to finish and retry; in deployment scripts retry 1618 with a back-off instead of failing."},
	1619: {1619, "This installation package could not be opened.", "The path to the .msi is wrong, unreadable by the installer service, or the file is damaged.",
		"Check the path, copy the MSI to a local folder, and compare its SHA-256 with the published .sha256 file."},
	1625: {1625, "This installation is forbidden by system policy. Contact your system administrator.",
		"Group Policy forbids this user to install (DisableMSI, DisableUserInstalls, AppLocker or software restriction policies).",
		"Ask an administrator, or deploy through the management tool (SCCM, Intune) that installs as SYSTEM; a per-user package does not get around this policy."},
	1638: {1638, "Another version of this product is already installed. Installation of this version cannot continue.",
		"A product with the same ProductCode but a different package is installed: the same MSI rebuilt without a new ProductCode, or a modified copy.",
		"Uninstall the installed version first (msiexec /x {ProductCode}, see Apps and Features), or use an MSI built by gomsi, which gets a new ProductCode on every build and replaces older versions through its upgrade code."},
	1925: {1925, "You do not have sufficient privileges to complete this installation for all users of the machine. Log on as administrator and then retry this installation.",
		"A per-machine package ran without an elevated administrator token.",
		"Run it from an elevated prompt (Run as administrator): msiexec /i go.msi /qn, or deploy it as SYSTEM; users without administrator rights can use a package built with scope: perUser."},
	2203: {2203, "Database: [2]. Cannot open database file. System error [3].",
		"The installer could not open a database: the .msi itself (wrong path, a network share the SYSTEM account cannot read, a file blocked or still downloading) or its copy in a TEMP folder it cannot write.",
		"Copy the MSI to a local folder such as C:\\Windows\\Temp, check the path, and make sure TEMP is writable (gomsi's packages pin TempFolder to the Windows Temp folder)."},
	2502: {2502, "Called InstallFinalize when no install in progress.",
		"The elevated installer could not use the TEMP folder of the context that started it (a user's %TEMP% that is redirected, deleted, or not readable by SYSTEM), so the script it wrote is missing.",
		"Use a gomsi package (temp: pinned sets TempFolder to [WindowsFolder]Temp\\), or give SYSTEM and Administrators full control of the user's TEMP, or set TEMP and TMP to C:\\Windows\\Temp before running msiexec from an elevated prompt."},
	2503: {2503, "Called RunScript when not marked in progress.",
		"The same TEMP failure as 2502: the elevated installer cannot use the TEMP folder of the user who started it.",
		"Use a gomsi package (temp: pinned sets TempFolder to [WindowsFolder]Temp\\), or give SYSTEM and Administrators full control of the user's TEMP, or set TEMP and TMP to C:\\Windows\\Temp before running msiexec from an elevated prompt."},
	3010: {3010, "A restart is required to complete the install.", "Files were in use and will be replaced at the next restart; Windows Installer then also skips the environment broadcast.",
		"Restart; until then new shells may not see the PATH change."},
}

// Lookup returns what gomsi knows about an error code.
func Lookup(code int) (Known, bool) {
	k, ok := known[code]
	return k, ok
}

// Codes lists the codes gomsi explains.
func Codes() []int {
	var codes []int
	for c := range known {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	return codes
}
