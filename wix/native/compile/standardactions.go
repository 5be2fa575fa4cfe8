package compile

import "strings"

// standardAction is a Windows Installer standard action as WiX v3 knows it
// (src/tools/wix/Data/actions.xml): its suggested sequence number, default
// condition and the sequence tables it may appear in.
type standardAction struct {
	seq       int
	condition string
	tables    string // initials: E InstallExecute, U InstallUI, A AdminExecute, a AdminUI, V AdvtExecute
}

// standardActionCatalogue holds actions.xml's facts. WiX adds an action
// from it when a table needs it or when another action is scheduled
// Before or After it without it being in the sequence.
var standardActionCatalogue = map[string]standardAction{
	"InstallInitialize": {1500, "", "AVE"}, "InstallExecute": {6500, "NOT Installed", "E"},
	"InstallExecuteAgain": {6550, "NOT Installed", "E"}, "InstallFinalize": {6600, "", "AVE"},
	"InstallFiles": {4000, "", "AE"}, "InstallAdminPackage": {3900, "", "A"},
	"FileCost": {900, "", "AaEU"}, "CostInitialize": {800, "", "AaVEU"}, "CostFinalize": {1000, "", "AaVEU"},
	"InstallValidate": {1400, "", "AVE"}, "ExecuteAction": {1300, "", "aU"},
	"CreateShortcuts": {4500, "", "VE"}, "MsiPublishAssemblies": {6250, "", "VE"},
	"PublishComponents": {6200, "", "VE"}, "PublishFeatures": {6300, "", "VE"}, "PublishProduct": {6400, "", "VE"},
	"RegisterClassInfo": {4600, "", "VE"}, "RegisterExtensionInfo": {4700, "", "VE"},
	"RegisterMIMEInfo": {4900, "", "VE"}, "RegisterProgIdInfo": {4800, "", "VE"},
	"AllocateRegistrySpace": {1550, "NOT Installed", "E"}, "AppSearch": {50, "", "EU"},
	"BindImage": {4300, "", "E"}, "CCPSearch": {500, "NOT Installed", "EU"}, "CreateFolders": {3700, "", "E"},
	"DeleteServices": {2000, "VersionNT", "E"}, "DuplicateFiles": {4210, "", "E"},
	"FindRelatedProducts": {25, "", "EU"}, "InstallODBC": {5400, "", "E"},
	"InstallServices": {5800, "VersionNT", "E"}, "MsiConfigureServices": {5850, "VersionNT>=600", "E"},
	"IsolateComponents": {950, "", "EU"}, "LaunchConditions": {100, "", "AaEU"},
	"MigrateFeatureStates": {1200, "", "EU"}, "MoveFiles": {3800, "", "E"}, "PatchFiles": {4090, "", "AE"},
	"ProcessComponents": {1600, "", "E"}, "RegisterComPlus": {5700, "", "E"}, "RegisterFonts": {5300, "", "E"},
	"RegisterProduct": {6100, "", "E"}, "RegisterTypeLibraries": {5500, "", "E"}, "RegisterUser": {6000, "", "E"},
	"RemoveDuplicateFiles": {3400, "", "E"}, "RemoveEnvironmentStrings": {3300, "", "E"},
	"RemoveFiles": {3500, "", "E"}, "RemoveFolders": {3600, "", "E"}, "RemoveIniValues": {3100, "", "E"},
	"RemoveODBC": {2400, "", "E"}, "RemoveRegistryValues": {2600, "", "E"}, "RemoveShortcuts": {3200, "", "E"},
	"RMCCPSearch": {600, "NOT Installed", "EU"}, "SelfRegModules": {5600, "", "E"},
	"SelfUnregModules": {2200, "", "E"}, "SetODBCFolders": {1100, "", "E"},
	"StartServices": {5900, "VersionNT", "E"}, "StopServices": {1900, "VersionNT", "E"},
	"MsiUnpublishAssemblies": {1750, "", "E"}, "UnpublishComponents": {1700, "", "E"},
	"UnpublishFeatures": {1800, "", "E"}, "UnregisterClassInfo": {2700, "", "E"},
	"UnregisterComPlus": {2100, "", "E"}, "UnregisterExtensionInfo": {2800, "", "E"},
	"UnregisterFonts": {2500, "", "E"}, "UnregisterMIMEInfo": {3000, "", "E"},
	"UnregisterProgIdInfo": {2900, "", "E"}, "UnregisterTypeLibraries": {2300, "", "E"},
	"ValidateProductID": {700, "", "EU"}, "WriteEnvironmentStrings": {5200, "", "E"},
	"WriteIniValues": {5100, "", "E"}, "WriteRegistryValues": {5000, "", "E"},
}

// specialActions are the standard actions without a suggested number: an
// author schedules them with Sequence, Before or After (Compiler.cs
// ParseSequenceElement, specialAction).
var specialActions = set(`InstallExecute InstallExecuteAgain RemoveExistingProducts DisableRollback
	ScheduleReboot ForceReboot ResolveSource`)

// relativeStandardActions are the standard actions WiX v3 lets an author
// move with Before or After (specialAction and specialStandardAction);
// the others take only Sequence or Suppress.
var relativeStandardActions = set(`InstallExecute InstallExecuteAgain RemoveExistingProducts DisableRollback
	ScheduleReboot ForceReboot ResolveSource AppSearch CCPSearch RMCCPSearch LaunchConditions FindRelatedProducts`)

// sequenceInitial maps a sequence table to its letter in standardAction.tables.
var sequenceInitial = map[string]string{"InstallExecuteSequence": "E", "InstallUISequence": "U",
	"AdminExecuteSequence": "A", "AdminUISequence": "a", "AdvtExecuteSequence": "V"}

// standardIn returns the catalogue entry of action when it belongs to table.
func standardIn(table, action string) (standardAction, bool) {
	a, ok := standardActionCatalogue[action]
	if !ok || !strings.Contains(a.tables, sequenceInitial[table]) {
		return standardAction{}, false
	}
	return a, true
}

// isStandardAction reports whether name may be authored as an element
// inside a sequence.
func isStandardAction(name string) bool {
	_, ok := standardActionCatalogue[name]
	return ok || specialActions[name]
}

// requiredActions are the standard actions WiX v3 writes into every
// product's sequences (Linker.cs SequenceActions, the overridable rows).
var requiredActions = map[string][]string{
	"AdminExecuteSequence": {"CostFinalize", "CostInitialize", "FileCost", "InstallAdminPackage", "InstallFiles", "InstallFinalize", "InstallInitialize", "InstallValidate"},
	"AdminUISequence":      {"CostFinalize", "CostInitialize", "ExecuteAction", "FileCost"},
	"AdvtExecuteSequence":  {"CostFinalize", "CostInitialize", "InstallFinalize", "InstallInitialize", "InstallValidate", "PublishFeatures", "PublishProduct"},
	"InstallExecuteSequence": {"CostFinalize", "CostInitialize", "FileCost", "InstallFinalize", "InstallInitialize", "InstallValidate",
		"ProcessComponents", "PublishFeatures", "PublishProduct", "RegisterProduct", "RegisterUser", "UnpublishFeatures", "ValidateProductID"},
	"InstallUISequence": {"CostFinalize", "CostInitialize", "ExecuteAction", "FileCost", "ValidateProductID"},
}

// tableActions are the standard actions a table with rows brings in, as
// "Sequence/Action" (Linker.cs SequenceActions, the switch on table names),
// for the tables the native toolset writes.
var tableActions = map[string][]string{
	"AppSearch":       {"E/AppSearch", "U/AppSearch"},
	"BindImage":       {"E/BindImage"},
	"MsiAssembly":     {"V/MsiPublishAssemblies", "E/MsiPublishAssemblies", "E/MsiUnpublishAssemblies"},
	"SelfReg":         {"E/SelfRegModules", "E/SelfUnregModules"},
	"CreateFolder":    {"E/CreateFolders", "E/RemoveFolders"},
	"Environment":     {"E/WriteEnvironmentStrings", "E/RemoveEnvironmentStrings"},
	"File":            {"E/InstallFiles", "E/RemoveFiles"},
	"IniFile":         {"E/WriteIniValues", "E/RemoveIniValues"},
	"LaunchCondition": {"E/LaunchConditions", "U/LaunchConditions"},
	"Registry":        {"E/WriteRegistryValues", "E/RemoveRegistryValues"},
	"RemoveFile":      {"E/RemoveFiles"},
	"ServiceControl":  {"E/StartServices", "E/StopServices", "E/DeleteServices"},
	"ServiceInstall":  {"E/InstallServices"},
	"Shortcut":        {"V/CreateShortcuts", "E/CreateShortcuts", "E/RemoveShortcuts"},
	"Upgrade":         {"E/FindRelatedProducts", "U/FindRelatedProducts"},
	// MigrateFeatureStates comes with an Upgrade row that migrates
	// features: see finishSequences.
}
