package compile

import (
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// Upgrade table attribute bits.
const (
	upgMigrateFeatures     = 1
	upgOnlyDetect          = 2
	upgIgnoreRemoveFailure = 4
	upgVersionMinInclusive = 256
	upgVersionMaxInclusive = 512
	upgLanguagesExclusive  = 1024
)

const (
	upgradeDetected   = "WIX_UPGRADE_DETECTED"
	downgradeDetected = "WIX_DOWNGRADE_DETECTED"
)

// majorUpgrade expands <MajorUpgrade> as WiX v3 does: an Upgrade row that
// finds older versions (or any version with AllowDowngrades), one that
// detects newer versions with a launch condition refusing them, and
// RemoveExistingProducts scheduled as asked.
func (c *compiler) majorUpgrade(e *wxs.Element) {
	c.err(e.CheckAttrs("AllowDowngrades", "AllowSameVersionUpgrades", "DowngradeErrorMessage", "Disallow",
		"DisallowUpgradeErrorMessage", "IgnoreRemoveFailure", "MigrateFeatures", "RemoveFeatures", "Schedule"))
	p := c.product
	code, err := guid(p.Get("UpgradeCode"))
	if err != nil {
		c.err(e.Errorf("MajorUpgrade needs Product/@UpgradeCode: %v", err))
		return
	}
	// The rows leave Language empty, as WiX v3 does: related products of
	// every language are found, not only those of this package's language.
	version := p.Get("Version")
	allowDowngrades := c.yesNo(e, "AllowDowngrades", false)
	sameVersion := c.yesNo(e, "AllowSameVersionUpgrades", false)
	options := 0
	if c.yesNo(e, "MigrateFeatures", true) {
		options |= upgMigrateFeatures
	}
	if c.yesNo(e, "IgnoreRemoveFailure", false) {
		options |= upgIgnoreRemoveFailure
	}
	msg := e.Get("DowngradeErrorMessage")
	if allowDowngrades && msg != "" {
		c.err(e.Errorf("DowngradeErrorMessage cannot go with AllowDowngrades=\"yes\""))
	}
	// WiX v3 requires DowngradeErrorMessage unless AllowDowngrades; wixl
	// does not, and gomsi's wixl source omits it: newer versions are then
	// detected (WIX_DOWNGRADE_DETECTED) but not refused, as with wixl.
	remove := nilIfEmpty(e.Get("RemoveFeatures"))
	if c.yesNo(e, "Disallow", false) {
		c.err(e.NotNativef("Disallow is not supported by the native toolset"))
	}
	if allowDowngrades {
		c.add(e, "Upgrade", code, "0", nil, nil, options|upgVersionMinInclusive, remove, upgradeDetected)
	} else {
		attrs := options
		if sameVersion {
			attrs |= upgVersionMaxInclusive
		}
		c.add(e, "Upgrade", code, nil, version, nil, attrs, remove, upgradeDetected)
		c.add(e, "Upgrade", code, version, nil, nil, upgOnlyDetect, nil, downgradeDetected)
		c.secure[downgradeDetected] = true
		if msg != "" {
			c.add(e, "LaunchCondition", "NOT "+downgradeDetected, msg)
		}
	}
	c.secure[upgradeDetected] = true
	a := &scheduled{name: "RemoveExistingProducts", e: e}
	switch e.Get("Schedule") {
	case "", "afterInstallValidate":
		a.after = "InstallValidate"
	case "afterInstallInitialize":
		a.after = "InstallInitialize"
	case "afterInstallExecute":
		a.after = "InstallExecute"
	case "afterInstallExecuteAgain":
		a.after = "InstallExecuteAgain"
	case "afterInstallFinalize":
		a.after = "InstallFinalize"
	default:
		c.err(e.Errorf("Schedule %q: use afterInstallValidate, afterInstallInitialize, afterInstallExecute, afterInstallExecuteAgain or afterInstallFinalize", e.Get("Schedule")))
	}
	// InstallExecute and InstallExecuteAgain join the sequence at their
	// suggested numbers when missing, as in WiX.
	c.err(c.seq.put("InstallExecuteSequence", a))
}

// upgrade handles <Upgrade Id="code"><UpgradeVersion .../></Upgrade>.
func (c *compiler) upgrade(e *wxs.Element) {
	c.err(e.CheckAttrs("Id"))
	code, err := guid(e.Get("Id"))
	if err != nil {
		c.err(e.Errorf("Id: %v", err))
		return
	}
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		if ch.Name != "UpgradeVersion" {
			c.unexpected(ch, "Upgrade")
			continue
		}
		c.err(ch.CheckAttrs("Minimum", "Maximum", "Language", "IncludeMinimum", "IncludeMaximum", "OnlyDetect",
			"MigrateFeatures", "IgnoreRemoveFailure", "ExcludeLanguages", "Property", "RemoveFeatures"))
		prop := ch.Get("Property")
		if !validID(prop) {
			c.err(ch.Errorf("Property %q is not a valid identifier", prop))
			continue
		}
		min, max := ch.Get("Minimum"), ch.Get("Maximum")
		if min == "" && max == "" {
			c.err(ch.Errorf("give Minimum, Maximum or both"))
		}
		attrs := 0
		if c.yesNo(ch, "MigrateFeatures", false) {
			attrs |= upgMigrateFeatures
		}
		if c.yesNo(ch, "OnlyDetect", false) {
			attrs |= upgOnlyDetect
		}
		if c.yesNo(ch, "IgnoreRemoveFailure", false) {
			attrs |= upgIgnoreRemoveFailure
		}
		if min != "" && c.yesNo(ch, "IncludeMinimum", true) {
			attrs |= upgVersionMinInclusive
		}
		if max != "" && c.yesNo(ch, "IncludeMaximum", false) {
			attrs |= upgVersionMaxInclusive
		}
		if c.yesNo(ch, "ExcludeLanguages", false) {
			attrs |= upgLanguagesExclusive
		}
		c.add(ch, "Upgrade", code, nilIfEmpty(min), nilIfEmpty(max), nilIfEmpty(ch.Get("Language")), attrs, nilIfEmpty(ch.Get("RemoveFeatures")), prop)
		c.secure[prop] = true
	}
}

// launchCondition handles <Condition Message="...">expression</Condition>
// directly under Product or a Fragment.
func (c *compiler) launchCondition(e *wxs.Element) {
	c.err(e.CheckAttrs("Message"))
	if e.Text == "" || e.Get("Message") == "" {
		c.err(e.Errorf("a launch condition needs an expression (the element's text) and a Message"))
		return
	}
	c.add(e, "LaunchCondition", e.Text, e.Get("Message"))
}
