package config

// Installer holds the settings of what the installer does on the target
// machine (TEMP, scope, environment, upgrades). Its keys sit at the top
// level of gomsi.yaml.
type Installer struct {
}

// checkInstaller validates the installer settings.
func (c Config) checkInstaller() error { return nil }
