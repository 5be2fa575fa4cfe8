package compile

import (
	"fmt"
	"strings"
	"testing"
)

// TestServicesAsWiX: ServiceInstall and ServiceControl rows as WiX v3
// writes them, with the standard actions they bring in (and their
// conditions from actions.xml).
func TestServicesAsWiX(t *testing.T) {
	pkg := mustCompile(t, product(`<DirectoryRef Id="INSTALLDIR"><Component Id="C" Guid="11111111-2222-3333-4444-555555555555">
		<File Id="svc.exe" Source="svc.exe" KeyPath="yes"/>
		<ServiceInstall Name="My Svc" DisplayName="My Service" Description="Does things" Type="ownProcess" Start="auto" ErrorControl="normal" Vital="yes" Account="LocalSystem" Arguments="-run">
			<ServiceDependency Id="Tcpip"/><ServiceDependency Id="NetGroup" Group="yes"/>
		</ServiceInstall>
		<ServiceControl Id="ctl" Name="My Svc" Start="install" Stop="both" Remove="uninstall" Wait="yes"><ServiceArgument>a</ServiceArgument><ServiceArgument> b </ServiceArgument></ServiceControl>
		<ServiceControl Id="ctl2" Name="Other" Stop="install"/>
	</Component></DirectoryRef>`, `<ComponentRef Id="C"/>`))
	if r := row(t, pkg, "ServiceInstall", "My_Svc"); fmt.Sprint(r) != "[My_Svc My Svc My Service 16 2 32769 <nil> Tcpip[~]+NetGroup[~][~] LocalSystem <nil> -run C Does things]" {
		t.Errorf("ServiceInstall %v", r)
	}
	if r := row(t, pkg, "ServiceControl", "ctl"); fmt.Sprint(r) != "[ctl My Svc 163 a[~]b 1 C]" {
		t.Errorf("ServiceControl %v", r)
	}
	if r := row(t, pkg, "ServiceControl", "ctl2"); fmt.Sprint(r) != "[ctl2 Other 2 <nil> <nil> C]" {
		t.Errorf("ServiceControl without Wait %v", r)
	}
	for action, seq := range map[string]int{"InstallServices": 5800, "StartServices": 5900, "StopServices": 1900, "DeleteServices": 2000} {
		r := row(t, pkg, "InstallExecuteSequence", action)
		if r[1] != "VersionNT" || r[2] != seq {
			t.Errorf("%s: %v, want VersionNT at %d", action, r, seq)
		}
	}
}

func TestServiceErrors(t *testing.T) {
	for name, c := range map[string]struct{ body, want string }{
		"driver":          {`<ServiceInstall Name="d" Type="kernelDriver" Start="auto" ErrorControl="normal"/>`, `Type "kernelDriver": use ownProcess or shareProcess`},
		"boot start":      {`<ServiceInstall Name="d" Type="ownProcess" Start="boot" ErrorControl="normal"/>`, `Start "boot"`},
		"control no name": {`<ServiceControl Id="x" Start="install"/>`, "Id and Name are required"},
		"bad event":       {`<ServiceControl Id="x" Name="n" Start="always"/>`, `Start "always": use install, uninstall or both`},
	} {
		_, err := compileSources(t, product(`<DirectoryRef Id="INSTALLDIR"><Component Id="C" Guid="11111111-2222-3333-4444-555555555555" KeyPath="yes">`+c.body+`</Component></DirectoryRef>`, `<ComponentRef Id="C"/>`))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "Product.wxs:11") {
			t.Errorf("%s: %v, want %q at Product.wxs:11", name, err, c.want)
		}
	}
}
