package winetest

import "testing"

func TestLogPropertyAndActionIndex(t *testing.T) {
	log := "Action start 12:00:01: LaunchConditions.\r\n" +
		"Property(S): INSTALLDIR = C:\\Old\\\r\n" +
		"Action ended 12:00:01: LaunchConditions. Return value 3.\r\n" +
		"Property(S): INSTALLDIR = C:\\Tools\\Go\\\r\n" +
		"Property(S): INSTALLDIRX = no\r\n"
	if got := LogProperty(log, "INSTALLDIR"); got != `C:\Tools\Go\` {
		t.Errorf("LogProperty(INSTALLDIR) = %q, want the last value", got)
	}
	if got := LogProperty(log, "ALLUSERS"); got != "" {
		t.Errorf("LogProperty(ALLUSERS) = %q, want empty", got)
	}
	if i := ActionIndex(log, "LaunchConditions"); i != 0 {
		t.Errorf("ActionIndex(LaunchConditions) = %d, want 0", i)
	}
	if i := ActionIndex(log, "InstallFiles"); i != -1 {
		t.Errorf("ActionIndex(InstallFiles) = %d, want -1", i)
	}
}
