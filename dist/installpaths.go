package dist

import (
	"fmt"
	"slices"
	"strings"
)

// Windows Installer creates files and folders with MAX_PATH paths: a file
// path of 260 UTF-16 units with its terminating NUL, a folder path of 248
// (CreateDirectory leaves room for an 8.3 name). A longer path fails the
// installation with error 1304 ("Error writing to file") and rolls it back
// (1603): the MSI APIs keep the MAX_PATH limit that .NET and WiX v4 lifted.
const (
	maxFilePath = 259
	maxDirPath  = 247
)

// The default install folders, as Windows Installer resolves them: per
// machine, Program Files (Program Files (x86) for 386 on 64-bit Windows);
// per user, the profile's LocalAppData, whose length depends on the user
// name (at most 20 characters for a local account).
const (
	machineDir    = `C:\Program Files\Go\`
	machineDir386 = `C:\Program Files (x86)\Go\`
	userDirHead   = `C:\Users\`
	userDirTail   = `\AppData\Local\Programs\Go\`
	maxUserName   = 20
)

// InstallPathCheck is what CheckInstallPaths found: an error for paths
// that no install into the default folder can create, a warning for paths
// that fail only for long user names.
type InstallPathCheck struct {
	Err     error
	Warning string
}

// CheckInstallPaths checks the paths of a package (slash-separated, from
// the Go root; a folder ends in "/") against MAX_PATH under the default
// install folder of arch and scope. Per machine, the folder is the same on
// every machine, so a path too long there is an error: the package would
// fail on every default install. Per user, it is a warning naming the
// longest user name that still installs, unless no user name would.
func CheckInstallPaths(paths []string, arch string, perUser bool) InstallPathCheck {
	var long []string // paths too long even for the shortest prefix that applies
	worst, worstRoom := "", maxUserName
	for _, p := range paths {
		limit := maxFilePath
		if strings.HasSuffix(p, "/") {
			p, limit = strings.TrimSuffix(p, "/"), maxDirPath
		}
		n := utf16Len(p)
		if !perUser {
			if len(installDir(arch, false))+n > limit {
				long = append(long, p)
			}
			continue
		}
		// room is the longest user name with which p fits.
		room := limit - len(userDirHead) - len(userDirTail) - n
		switch {
		case room < 1:
			long = append(long, p)
		case room < worstRoom:
			worst, worstRoom = p, room
		}
	}
	dir := installDir(arch, perUser)
	if len(long) > 0 {
		slices.SortFunc(long, func(a, b string) int { return utf16Len(b) - utf16Len(a) })
		more := ""
		if len(long) > 1 {
			more = fmt.Sprintf(" (and %d more: %s)", len(long)-1, strings.Join(head(long[1:], 5), ", "))
		}
		return InstallPathCheck{Err: fmt.Errorf("install path %s%s is longer than MAX_PATH (%d characters for a file, %d for a folder), which Windows Installer cannot create: the install would fail with error 1304 and roll back%s; leave such files out with exclude (exclude: [%q])",
			dir, strings.ReplaceAll(long[0], "/", `\`), maxFilePath, maxDirPath, more, long[0])}
	}
	if worst != "" {
		return InstallPathCheck{Warning: fmt.Sprintf("install path %s%s fits MAX_PATH only for user names of at most %d characters: a user with a longer name cannot install this per-user package (error 1304); leave it out with exclude to install for every user",
			dir, strings.ReplaceAll(worst, "/", `\`), worstRoom)}
	}
	return InstallPathCheck{}
}

// installDir spells the default install folder for messages.
func installDir(arch string, perUser bool) string {
	switch {
	case perUser:
		return userDirHead + "<user>" + userDirTail
	case arch == "386":
		return machineDir386
	}
	return machineDir
}

func head(s []string, n int) []string { return s[:min(n, len(s))] }
