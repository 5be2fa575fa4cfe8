package templates

// InstallerData is what the installer does on the target machine, as plain
// values that every WiX dialect (and gomsi's post-processing of toolsets that
// cannot express something) renders the same way. package installer fills it.
type InstallerData struct {
	Scope      string // Package InstallScope: perMachine or perUser
	Privileges string // Package InstallPrivileges: elevated or limited

	// InstallParent is the standard folder (a Directory id) that holds
	// Folders, the path down to INSTALLDIR (the last one).
	InstallParent string
	Folders       []Folder

	Properties       []Property       // plain properties (ARP links, MSIUSEREALADMINDETECTION)
	Searches         []RegistrySearch // AppSearch: properties read from the registry
	SetProperties    []SetProperty    // immediate type-51 custom actions
	LaunchConditions []LaunchCondition
	Upgrades         []UpgradeVersion // rows of the Upgrade table for the product's upgrade code
	RemoveExisting   int              // sequence of RemoveExistingProducts

	State       StateComponent // per-install registry state, key path of the environment changes
	Environment []EnvVar

	// InlineEnvironment is false when the toolset cannot compile
	// <Environment>: gomsi then adds the rows to the built MSI itself.
	InlineEnvironment bool
	// Broadcast schedules WiX's WixBroadcastEnvironmentChange (WixUtilExtension),
	// which also notifies running programs when a reboot is pending.
	Broadcast bool

	Icon string // absolute path of an .ico for Apps and Features, or ""

	// SuppressICE names the ICE rules the package breaks on purpose, which
	// a validating compiler (WiX v3's light) skips.
	SuppressICE []string
}

// Folder is one level of the path to the install folder.
type Folder struct {
	ID, Name string
}

// Property is a Property table row.
type Property struct {
	ID, Value string
}

// RegistrySearch reads a registry value raw into Property (AppSearch).
type RegistrySearch struct {
	Property, ID    string
	Root, Key, Name string // Root: HKLM or HKCU
	Win64           bool   // read the 64-bit view of HKLM
}

// SetProperty is an immediate type-51 custom action: Property = Value
// when Condition holds, at Sequence in the execute sequence and, when UI is
// set, at the same place in the UI sequence. Value is formatted text that
// gomsi composes from property references ("[INSTALLDIR]"); it never holds
// data, and templates print it as it is.
type SetProperty struct {
	ID, Property, Value, Condition string
	Sequence                       int
	UI                             bool
}

// LaunchCondition refuses to install, showing Message, unless Condition
// holds. Message is literal text: templates print it through formatted,
// since LaunchCondition.Description is a Formatted column.
type LaunchCondition struct {
	Condition, Message string
}

// UpgradeVersion is a row of the Upgrade table; empty versions are unbounded.
type UpgradeVersion struct {
	Minimum, Maximum               string
	IncludeMinimum, IncludeMaximum bool
	OnlyDetect, MigrateFeatures    bool
	Property                       string
}

// StateComponent is the component that holds the registry state of the
// install and the environment changes.
type StateComponent struct {
	ID, GUID  string
	Root, Key string // registry root (HKLM or HKCU) and key
	Values    []RegistryValue
	// Folder is the Directory it is in: INSTALLDIR, or per user the folder
	// above it, which the package may create in the user profile and so
	// must remove on uninstall when empty (RemoveFolder, ICE64).
	Folder       string
	RemoveFolder bool
}

// RegistryValue is a string value under the state key; the first is the
// component's key path. Value is literal text, which templates print through
// formatted (Registry.Value is a Formatted column); when Property is set,
// the value is that property's at install time ("[Property]") instead.
type RegistryValue struct {
	Name, Value string
	Property    string
}

// EnvVar is an environment change, removed on uninstall. Action is "set"
// (create or update) or "create" (only when unset); Part is "last" (appended
// to a list separated by ";") or "all". Value is formatted text that gomsi
// composes ("[INSTALLDIR]bin"); it never holds data, and templates (and
// msipatch) write it as it is.
type EnvVar struct {
	ID, Name, Value string
	Action, Part    string
	System          bool
}
