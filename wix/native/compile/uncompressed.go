package compile

// fileCompression decides whether f goes into a cabinet or, uncompressed,
// into the source layout beside the package, as WiX v3 does
// (AutoMediaAssigner.cs: a file is uncompressed when its Compressed is
// "no", or unset in a package without Package/@Compressed="yes"; a
// compressed file on a Media without Cabinet is ExpectedMediaCabinet).
// The native toolset follows that for a Media without Cabinet; files on a
// Media with a cabinet it always packs, marking them compressed in an
// uncompressed package.
func (c *compiler) fileCompression(f *File) {
	noCabinet := false
	if c.pkg.Template == nil {
		for _, m := range c.pkg.Media {
			if m.ID == f.DiskID {
				noCabinet = m.Cabinet == ""
			}
		}
	}
	e := c.fileElement(f)
	switch {
	case f.compressed == "no" && !noCabinet:
		c.err(e.Errorf("Compressed=\"no\" on a file of disk %d, which has a cabinet: the native toolset lays out uncompressed files only from a Media without Cabinet; give the file such a DiskId", f.DiskID))
	case noCabinet && f.compressed == "yes":
		c.err(e.Errorf("File %s has Compressed=\"yes\" but Media %d has no Cabinet: name a Cabinet on that Media or drop Compressed", f.Key, f.DiskID))
	case noCabinet && f.compressed == "" && c.pkg.compressed:
		c.err(e.Errorf("File %s is compressed (Package/@Compressed=\"yes\") but Media %d has no Cabinet: name a Cabinet on that Media, or set Compressed=\"no\" on the file", f.Key, f.DiskID))
	case noCabinet:
		f.Uncompressed = true
	case !c.pkg.compressed && f.compressed == "":
		f.Attributes |= 16384 // the native toolset packs the files of a Media with a cabinet
	}
}
