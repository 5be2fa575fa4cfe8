package diagnose

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

// Excerpts in the format Windows writes (msiexec /l*v), trimmed to the
// lines that matter; real logs hold hundreds more around them.
var windowsLogs = map[string]struct {
	log    string
	code   int
	action string
}{
	"2503 in InstallFinalize": {`=== Verbose logging started: 11/24/2026  10:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\Windows\system32\msiexec.exe ===
MSI (c) (A8:5C) [10:00:00:123]: Resetting cached policy values
Action start 10:00:05: InstallFinalize.
MSI (s) (B4:C8) [10:00:05:456]: Note: 1: 2205 2:  3: Error 
MSI (s) (B4:C8) [10:00:05:457]: Product: Go Programming Language amd64 go1.26.8 -- The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , 
Action ended 10:00:05: InstallFinalize. Return value 3.
Action ended 10:00:05: INSTALL. Return value 3.
MSI (s) (B4:C8) [10:00:06:000]: MainEngineThread is returning 1603
=== Verbose logging stopped: 11/24/2026  10:00:06 ===
`, 2503, "InstallFinalize"},
	"2502 with DEBUG line": {`Action start 10:00:05: InstallFinalize.
DEBUG: Error 2502:  Called InstallFinalize when no install in progress.
Action ended 10:00:05: InstallFinalize. Return value 3.
MSI (c) (A8:5C) [10:00:06:000]: MainEngineThread is returning 1603
`, 2502, "InstallFinalize"},
	"1925 not elevated": {`Action start 10:01:00: InstallInitialize.
MSI (s) (B4:C8) [10:01:00:010]: Product: Go Programming Language amd64 go1.26.8 -- Error 1925. You do not have sufficient privileges to complete this installation for all users of the machine.  Log on as administrator and then retry this installation.
Error 1925. You do not have sufficient privileges to complete this installation for all users of the machine.  Log on as administrator and then retry this installation.
Action ended 10:01:00: InstallInitialize. Return value 3.
Action ended 10:01:00: INSTALL. Return value 3.
MSI (s) (B4:C8) [10:01:01:000]: Windows Installer installed the product. Product Name: Go Programming Language amd64 go1.26.8. Product Version: 1.26.8. Product Language: 1033. Manufacturer: https://go.dev. Installation success or error status: 1603.
`, 1925, "InstallInitialize"},
	"2203 cannot open database": {`MSI (c) (A8:5C) [10:02:00:001]: Note: 1: 2203 2: \\fileserver\share\go1.26.8.windows-amd64.msi 3: -2147287037 
MSI (c) (A8:5C) [10:02:00:002]: MainEngineThread is returning 1619
`, 2203, ""},
	"1618 another install": {`MSI (s) (B4:C8) [10:03:00:001]: Error 1618. Another installation is already in progress. Complete that installation before proceeding with this install.
MSI (c) (A8:5C) [10:03:00:002]: MainEngineThread is returning 1618
`, 1618, ""},
	"1625 policy": {`MSI (c) (A8:5C) [10:04:00:001]: Machine policy value 'DisableMSI' is 1
MSI (c) (A8:5C) [10:04:00:002]: Product: Go Programming Language amd64 go1.26.8 -- Error 1625. This installation is forbidden by system policy. Contact your system administrator.
MSI (c) (A8:5C) [10:04:00:003]: MainEngineThread is returning 1625
`, 1625, ""},
	"1638 same product code": {`Action start 10:05:00: LaunchConditions.
MSI (c) (A8:5C) [10:05:00:001]: Product: Go Programming Language amd64 go1.26.8 -- Error 1638. Another version of this product is already installed.  Installation of this version cannot continue.
MSI (c) (A8:5C) [10:05:00:002]: MainEngineThread is returning 1638
`, 1638, "LaunchConditions"},
	"1310 file in use": {`Action start 10:07:00: InstallFiles.
MSI (s) (B4:C8) [10:07:10:001]: Product: Go Programming Language amd64 go1.26.8 -- Error 1310. Error writing to file: C:\Program Files\Go\bin\go.exe.  Verify that you have access to that directory.
Action ended 10:07:10: InstallFiles. Return value 3.
Action ended 10:07:10: INSTALL. Return value 3.
MSI (s) (B4:C8) [10:07:11:000]: MainEngineThread is returning 1603
`, 1310, "InstallFiles"},
	"1714 old version not removable": {`Action start 10:08:00: RemoveExistingProducts.
MSI (s) (B4:C8) [10:08:00:001]: Note: 1: 1714 2: Go Programming Language amd64 go1.26.7 3: 1612 
MSI (s) (B4:C8) [10:08:00:002]: Product: Go Programming Language amd64 go1.26.8 -- Error 1714. The older version of Go Programming Language amd64 go1.26.7 cannot be removed.  Contact your technical support group.  System Error 1612.
Action ended 10:08:00: RemoveExistingProducts. Return value 3.
Action ended 10:08:00: INSTALL. Return value 3.
MSI (s) (B4:C8) [10:08:01:000]: MainEngineThread is returning 1603
`, 1714, "RemoveExistingProducts"},
	"1633 wrong processor": {`MSI (c) (A8:5C) [10:09:00:001]: Note: 1: 1708 
MSI (c) (A8:5C) [10:09:00:002]: Product: Go Programming Language arm64 go1.26.8 -- This installation package is not supported by this processor type. Contact your product vendor.
MSI (c) (A8:5C) [10:09:00:003]: MainEngineThread is returning 1633
`, 1633, ""},
	"1605 not installed": {`MSI (c) (A8:5C) [10:10:00:001]: MainEngineThread is returning 1605
`, 1605, ""},
	"1603 launch condition": {`Action start 10:06:00: LaunchConditions.
MSI (c) (A8:5C) [10:06:00:001]: Product: Go Programming Language amd64 go1.26.8 -- go1.26.8 needs Windows 10 or Windows Server 2016 or later; this computer runs an older Windows.
Action ended 10:06:00: LaunchConditions. Return value 3.
Action ended 10:06:00: INSTALL. Return value 3.
MSI (c) (A8:5C) [10:06:01:000]: MainEngineThread is returning 1603
`, 1603, "LaunchConditions"},
}

func TestWindowsExcerpts(t *testing.T) {
	for name, tt := range windowsLogs {
		for _, enc := range []string{"utf-8", "utf-16"} {
			data := []byte(strings.ReplaceAll(tt.log, "\n", "\r\n"))
			if enc == "utf-16" { // what Windows writes
				data = utf16LE(string(data))
			}
			r := Parse(bytes.NewReader(data))
			if r.Failed == nil {
				t.Errorf("%s (%s): no failure found", name, enc)
				continue
			}
			if r.Failed.Code != tt.code || r.Failed.Action != tt.action {
				t.Errorf("%s (%s): code %d in %q, want %d in %q", name, enc, r.Failed.Code, r.Failed.Action, tt.code, tt.action)
			}
			if r.Failed.Meaning == "" || r.Failed.Fix == "" {
				t.Errorf("%s: no meaning or fix for %d", name, r.Failed.Code)
			}
			var out bytes.Buffer
			r.Write(&out)
			for _, want := range []string{"failing action:", "error:          " + strconv.Itoa(tt.code), "meaning:", "fix:"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("%s: report lacks %q:\n%s", name, want, out.String())
				}
			}
		}
	}
}

func TestLaunchConditionMessageIsShown(t *testing.T) {
	r := Parse(strings.NewReader(windowsLogs["1603 launch condition"].log))
	if r.Failed == nil || r.Failed.Line != 2 || !strings.Contains(r.Failed.Text, "needs Windows 10") {
		t.Fatalf("%+v", r.Failed)
	}
	var out bytes.Buffer
	r.Write(&out)
	if !strings.Contains(out.String(), "log line 2:") {
		t.Errorf("report:\n%s", out.String())
	}
}

func TestBenignNotesAreNotFailures(t *testing.T) {
	log := "Action start 10:00:00: CostInitialize.\r\nMSI (s) (B4:C8) [10:00:00:001]: Note: 1: 2205 2:  3: Patch \r\nMSI (s) (B4:C8) [10:00:00:002]: Note: 1: 2228 2:  3: Patch 4: SELECT \r\nAction ended 10:00:00: CostInitialize. Return value 1.\r\nAction ended 10:00:01: INSTALL. Return value 1.\r\nMSI (s) (B4:C8) [10:00:02:000]: MainEngineThread is returning 0\r\n"
	if r := Parse(strings.NewReader(log)); r.Failed != nil {
		t.Errorf("a successful log diagnosed as %+v", r.Failed)
	}
}

// The Wine logs in testdata were written by Wine 8's msiexec installing a
// gomsi package: one refused by the Windows 10 launch condition on a prefix
// set to Windows 8.1, one that succeeded.
func TestWineLogs(t *testing.T) {
	data, err := os.ReadFile("testdata/wine-launchcondition.log")
	if err != nil {
		t.Fatal(err)
	}
	r := Parse(bytes.NewReader(data))
	if r.Failed == nil || r.Failed.Action != "LaunchConditions" || r.Failed.Code != 1603 {
		t.Errorf("Wine launch condition log: %+v", r.Failed)
	}
	if r.Product != "Go Programming Language amd64 go1.26.8" {
		t.Errorf("product = %q", r.Product)
	}
	data, err = os.ReadFile("testdata/wine-success.log")
	if err != nil {
		t.Fatal(err)
	}
	if r := Parse(bytes.NewReader(data)); r.Failed != nil {
		t.Errorf("Wine success log diagnosed as %+v", r.Failed)
	}
}

func TestEveryRequiredCodeIsExplained(t *testing.T) {
	for _, code := range []int{2502, 2503, 1603, 1618, 1625, 1638, 1925, 2203, 1310, 1406, 1605, 1612, 1633, 1706, 1714} {
		k, ok := Lookup(code)
		if !ok || k.Message == "" || k.Meaning == "" || k.Fix == "" {
			t.Errorf("%d: %+v", code, k)
		}
	}
	if _, ok := Lookup(9999); ok {
		t.Error("Lookup(9999) found something")
	}
}

func TestUnknownCode(t *testing.T) {
	r := Parse(strings.NewReader("MSI (c) (A8:5C) [10:00:00:000]: MainEngineThread is returning 1234\r\n"))
	if r.Failed == nil || r.Failed.Code != 1234 {
		t.Fatalf("%+v", r.Failed)
	}
	var out bytes.Buffer
	r.Write(&out)
	if !strings.Contains(out.String(), "gomsi does not know error 1234") {
		t.Errorf("report: %s", out.String())
	}
}

func utf16LE(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}
