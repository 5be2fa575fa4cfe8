package config

// Toolsets holds where the WiX toolsets are and how to drive them. Its keys
// sit at the top level of gomsi.yaml.
type Toolsets struct {
}

// checkToolsets validates the toolset settings.
func (c Config) checkToolsets() error { return nil }
