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
	1310: {1310, "Error writing to file: [3]. Verify that you have access to that directory.",
		"A file of the Go folder could not be replaced: it is in use (go.exe, gopls, dlv or a build still running, an editor, an antivirus scan) or the folder is not writable by the installer.",
		"Close what runs Go (editors with gopls, terminals running go, build agents, services), then retry; if a scanner or service holds the file, restart Windows and install before it runs Go again."},
	1406: {1406, "Could not write value [2] to key [3]. Verify that you have sufficient access to that key, or contact your support personnel.",
		"The installer could not write to the registry: usually the system Environment key (PATH) or gomsi's state key, refused by a security product or by permissions changed on the key.",
		"Run the install elevated or as SYSTEM, check the permissions of HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment, and look for an endpoint protection rule that blocks PATH changes."},
	1605: {1605, "This action is only valid for products that are currently installed.",
		"An uninstall (msiexec /x) or repair was asked for a product that is not installed: already removed, or another Go version or arch, whose product code differs.",
		"In uninstall scripts treat 1605 as success; to remove whatever Go is installed, find its product code under HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall (DisplayName Go Programming Language ...)."},
	1612: {1612, "The installation source for this product is not available. Verify that the source exists and that you can access it.",
		"The installed Go's cached package (in C:\\Windows\\Installer) is gone, often deleted by a cleanup tool, so Windows Installer cannot repair, remove or upgrade it (Go issue 36009).",
		"Re-cache it with the MSI of the installed version: msiexec /fv go<installed version>.windows-<arch>.msi /qn, then run the upgrade or uninstall again. Do not clean C:\\Windows\\Installer by hand."},
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
		"Uninstall the installed version first (msiexec /x {ProductCode}, see Apps and Features), or use an MSI built by gomsi, whose ProductCode changes whenever the package's content does and which replaces older versions through its upgrade code."},
	1633: {1633, "This installation package is not supported by this processor type. Contact your product vendor.",
		"The MSI is for another processor: an arm64 or amd64 package on 32-bit Windows, or an arm64 package on x64 Windows.",
		"Install the go<version>.windows-<arch>.msi that matches the machine (amd64 for x64; arm64 Windows 11 runs the arm64 and the amd64 package)."},
	1706: {1706, "An installation package for the product [2] cannot be found. Try the installation again using a valid copy of the installation package [3].",
		"Windows Installer needed the package of an installed Go (to repair or remove it during an upgrade) and found neither its cached copy nor its original location (Go issue 36009).",
		"Re-cache it with the MSI of the installed version: msiexec /fv go<installed version>.windows-<arch>.msi /qn, then retry."},
	1714: {1714, "The older version of [2] cannot be removed. Contact your technical support group.",
		"The upgrade could not remove the installed Go, usually because its cached package in C:\\Windows\\Installer was deleted (Go issue 36009), or its uninstall failed on its own.",
		"Re-cache the installed version with its MSI (msiexec /fv go<installed version>.windows-<arch>.msi /qn), or remove it with that MSI (msiexec /x), then install the new package."},
	1925: {1925, "You do not have sufficient privileges to complete this installation for all users of the machine. Log on as administrator and then retry this installation.",
		"A per-machine package ran without an elevated administrator token.",
		"Run it from an elevated prompt (Run as administrator): msiexec /i go.msi /qn, or deploy it as SYSTEM; users without administrator rights can use a package built with scope: perUser."},
	2203: {2203, "Database: [2]. Cannot open database file. System error [3].",
		"The installer could not open a database: the .msi itself (wrong path, a network share the SYSTEM account cannot read, a file blocked or still downloading) or its copy in a TEMP folder it cannot write.",
		"Copy the MSI to a local folder such as C:\\Windows\\Temp, check the path, and make sure TEMP is writable (gomsi's setup exe gives msiexec a private TEMP of its own)."},
	2502: {2502, "Called InstallFinalize when no install in progress.",
		"Windows Installer could not run or find its installation script. Most often a per-machine package was started without a full administrator token (double-clicked, or msiexec from a prompt that is not elevated); next, C:\\Windows\\Temp (the TEMP of the Windows Installer service) or C:\\Windows\\Installer is missing, not a folder, or its permissions were stripped.",
		fix25023},
	2503: {2503, "Called RunScript when not marked in progress.",
		"The same failure as 2502, at the start of the installation script: no full administrator token, or C:\\Windows\\Temp or C:\\Windows\\Installer unusable.",
		fix25023},
	3010: {3010, "A restart is required to complete the install.", "Files were in use and will be replaced at the next restart; Windows Installer then also skips the environment broadcast.",
		"Restart; until then new shells may not see the PATH change."},
}

// fix25023 is the fix of errors 2502 and 2503.
const fix25023 = "Run the go<version>.windows-<arch>-setup.exe published beside the MSI (it asks for administrator rights and checks those folders first), " +
	"or run msiexec from an elevated prompt (Run as administrator) or as SYSTEM. If it still fails, check C:\\Windows\\Temp from an elevated prompt: " +
	"it must be a folder (not a file) where SYSTEM and Administrators have Full control (icacls C:\\Windows\\Temp); restore them with " +
	"icacls C:\\Windows\\Temp /grant *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F."

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
