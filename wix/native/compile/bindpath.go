package compile

import "github.com/gomsi/gomsi/wix/native/wxs"

// bindPathAttrs are the file paths a named bind path may start, as light
// resolves !(bindpath.name) only where it looks for a file
// (BinderFileManager.ResolveFile).
var bindPathAttrs = map[[2]string]bool{{"File", "Source"}: true, {"Binary", "SourceFile"}: true, {"Icon", "SourceFile"}: true}

// checkBindPaths refuses a kept !(bindpath.name) (wxs.BindPathRef)
// anywhere but in a file path, where it would become literal text.
func (c *compiler) checkBindPaths(e *wxs.Element) {
	for _, a := range e.Attrs {
		if _, _, ok := wxs.BindPathRef(a.Value); ok && !bindPathAttrs[[2]string{e.Name, a.Name}] {
			c.err(e.Errorf("%s: %s: a named bind path is resolved only in a file path (File/@Source, Binary/@SourceFile, Icon/@SourceFile)", a.Name, wxs.DisplayBindPaths(a.Value)))
		}
	}
	if _, _, ok := wxs.BindPathRef(e.Text); ok {
		c.err(e.Errorf("%s: a named bind path is resolved only in a file path (File/@Source, Binary/@SourceFile, Icon/@SourceFile)", wxs.DisplayBindPaths(e.Text)))
	}
	for _, ch := range e.Children {
		c.checkBindPaths(ch)
	}
}
