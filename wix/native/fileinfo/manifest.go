package fileinfo

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// Win32Assembly is the identity a Win32 (side-by-side) assembly's manifest
// declares in assembly/assemblyIdentity, the attributes WiX v3's binder
// copies into MsiAssemblyName; "" for those the manifest leaves out.
type Win32Assembly struct {
	Type, Name, Version, ProcessorArchitecture, PublicKeyToken string
}

// maxManifest bounds the manifest read: real ones are a few KiB.
const maxManifest = 1 << 20

// ReadWin32Manifest reads the assemblyIdentity of the manifest at path.
func ReadWin32Manifest(path string) (Win32Assembly, error) {
	f, st, err := openRegular(path)
	if err != nil {
		return Win32Assembly{}, err
	}
	defer f.Close()
	if st.Size() > maxManifest {
		return Win32Assembly{}, fmt.Errorf("read manifest %s: %d bytes is too large for an assembly manifest (limit %d)", path, st.Size(), maxManifest)
	}
	a, err := readWin32Manifest(io.LimitReader(f, maxManifest))
	if err != nil {
		return Win32Assembly{}, fmt.Errorf("read manifest %s: %w", path, err)
	}
	return a, nil
}

// readWin32Manifest finds the first assemblyIdentity directly inside the
// root assembly element.
func readWin32Manifest(r io.Reader) (Win32Assembly, error) {
	d := xml.NewDecoder(r)
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return Win32Assembly{}, errors.New("no assembly/assemblyIdentity element: a Win32 assembly manifest needs one")
		}
		if err != nil {
			return Win32Assembly{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 && t.Name.Local != "assembly" {
				return Win32Assembly{}, fmt.Errorf("the root element is <%s>, not <assembly>", t.Name.Local)
			}
			if depth == 2 && t.Name.Local == "assemblyIdentity" {
				var a Win32Assembly
				for _, at := range t.Attr {
					if at.Name.Space != "" {
						continue
					}
					switch at.Name.Local {
					case "type":
						a.Type = at.Value
					case "name":
						a.Name = at.Value
					case "version":
						a.Version = at.Value
					case "processorArchitecture":
						a.ProcessorArchitecture = at.Value
					case "publicKeyToken":
						a.PublicKeyToken = at.Value
					}
				}
				return a, nil
			}
		case xml.EndElement:
			depth--
		}
	}
}
