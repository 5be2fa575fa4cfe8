package native

import (
	"fmt"

	"github.com/gomsi/gomsi/wix/native/compile"
	"github.com/gomsi/gomsi/wix/native/fileinfo"
)

// bindAssemblies reads the identity of every assembly the package holds
// (a .NET assembly's metadata, a Win32 assembly's manifest) into its
// MsiAssemblyName rows, as light's binder does once the files are found.
func bindAssemblies(pkg *compile.Package) error {
	for _, a := range pkg.Assemblies {
		f := a.File
		if a.Win32 {
			if a.Manifest == nil {
				return fmt.Errorf("%s: File %s: a Win32 assembly needs its manifest File (AssemblyManifest)", f.Pos, f.Key)
			}
			id, err := fileinfo.ReadWin32Manifest(a.Manifest.Source)
			if err != nil {
				return fmt.Errorf("%s: File %s: AssemblyManifest %s: %w", f.Pos, f.Key, a.Manifest.Key, err)
			}
			if err := pkg.BindWin32Assembly(a, id); err != nil {
				return err
			}
			continue
		}
		id, err := fileinfo.ReadAssembly(f.Source)
		if err != nil {
			return fmt.Errorf("%s: File %s: Assembly=\".net\": %w", f.Pos, f.Key, err)
		}
		if err := pkg.BindNetAssembly(a, id); err != nil {
			return err
		}
	}
	return nil
}
