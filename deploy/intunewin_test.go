package deploy_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/deploy"
)

const contentEntry = "IntuneWinPackage/Contents/IntunePackage.intunewin"

// detectionXML is Detection.xml as the format's descriptions spell it,
// declared here apart from the writer's own types.
type detectionXML struct {
	ToolVersion            string `xml:"ToolVersion,attr"`
	Name                   string `xml:"Name"`
	UnencryptedContentSize string `xml:"UnencryptedContentSize"`
	FileName               string `xml:"FileName"`
	SetupFile              string `xml:"SetupFile"`
	Enc                    struct {
		EncryptionKey, MacKey, InitializationVector, Mac, ProfileIdentifier, FileDigest, FileDigestAlgorithm string
	} `xml:"EncryptionInfo"`
	Msi struct {
		MsiProductCode, MsiProductVersion, MsiPackageCode, MsiUpgradeCode, MsiExecutionContext string
		MsiRequiresLogon, MsiRequiresReboot, MsiIsMachineInstall, MsiIsUserInstall             string
		MsiIncludesServices, MsiIncludesODBCDataSource                                         string
		MsiContainsSystemRegistryKeys, MsiContainsSystemFolders, MsiPublisher                  string
	} `xml:"MsiInfo"`
}

// TestIntunewinDecrypts opens each .intunewin with code written from the
// format's description: the HMAC-SHA256 over IV and ciphertext matches the
// Mac and the file's first 32 bytes, the content decrypts (AES-256-CBC,
// PKCS#7) to a zip of the size and SHA-256 Detection.xml names, holding the
// MSI byte for byte; MsiInfo equals what msitools reads from the MSI.
func TestIntunewinDecrypts(t *testing.T) {
	msis := testMSIs(t)
	epoch := time.Date(2026, 8, 28, 16, 20, 6, 0, time.UTC)
	for _, pick := range []string{"amd64 machine", "amd64 user", "arm64 machine"} {
		t.Run(pick, func(t *testing.T) {
			src := msis[pick]
			msi := filepath.Join(t.TempDir(), filepath.Base(src))
			copyFile(t, src, msi)
			m, err := deploy.ReadMSI(msi)
			if err != nil {
				t.Fatal(err)
			}
			path, err := deploy.WriteIntune(context.Background(), m, epoch)
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.TrimSuffix(msi, ".msi") + ".intunewin"; path != want {
				t.Errorf("written to %s, want %s", path, want)
			}
			entries, det := openIntunewin(t, path, epoch)
			enc := entries[contentEntry]
			key, macKey, iv := unb64(t, det.Enc.EncryptionKey, 32), unb64(t, det.Enc.MacKey, 32), unb64(t, det.Enc.InitializationVector, 16)
			mac, digest := unb64(t, det.Enc.Mac, 32), unb64(t, det.Enc.FileDigest, 32)
			if len(enc) < 48+16 || !bytes.Equal(enc[:32], mac) || !bytes.Equal(enc[32:48], iv) {
				t.Fatal("the encrypted file does not start with Mac and IV")
			}
			h := hmac.New(sha256.New, macKey)
			h.Write(enc[32:])
			if !hmac.Equal(h.Sum(nil), mac) {
				t.Fatal("the HMAC over IV and ciphertext does not verify")
			}
			block, err := aes.NewCipher(key)
			if err != nil {
				t.Fatal(err)
			}
			ct := enc[48:]
			if len(ct)%16 != 0 {
				t.Fatalf("ciphertext of %d bytes", len(ct))
			}
			plain := make([]byte, len(ct))
			cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, ct)
			pad := int(plain[len(plain)-1])
			if pad < 1 || pad > 16 || !bytes.Equal(plain[len(plain)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
				t.Fatalf("bad PKCS#7 padding %d", pad)
			}
			plain = plain[:len(plain)-pad]
			if sum := sha256.Sum256(plain); !bytes.Equal(sum[:], digest) || strconv.Itoa(len(plain)) != det.UnencryptedContentSize {
				t.Fatalf("content of %d bytes does not match FileDigest and UnencryptedContentSize %s", len(plain), det.UnencryptedContentSize)
			}
			inner, err := zip.NewReader(bytes.NewReader(plain), int64(len(plain)))
			if err != nil {
				t.Fatalf("the decrypted content is not a zip: %v", err)
			}
			if len(inner.File) != 1 || inner.File[0].Name != filepath.Base(msi) || det.SetupFile != filepath.Base(msi) {
				t.Fatalf("the setup folder holds %v, SetupFile %s", inner.File, det.SetupFile)
			}
			got := readZipFile(t, inner.File[0])
			want, _ := os.ReadFile(msi)
			if !bytes.Equal(got, want) {
				t.Fatal("the packaged MSI differs from the MSI")
			}
			facts := readWithMsitools(t, msi)
			machine := facts.props["ALLUSERS"] == "1"
			ctx := map[bool]string{true: "System", false: "User"}[machine]
			checks := map[string][2]string{
				"MsiProductCode":      {det.Msi.MsiProductCode, facts.props["ProductCode"]},
				"MsiProductVersion":   {det.Msi.MsiProductVersion, facts.props["ProductVersion"]},
				"MsiUpgradeCode":      {det.Msi.MsiUpgradeCode, facts.props["UpgradeCode"]},
				"MsiPackageCode":      {det.Msi.MsiPackageCode, facts.revision},
				"MsiPublisher":        {det.Msi.MsiPublisher, facts.props["Manufacturer"]},
				"Name":                {det.Name, facts.props["ProductName"]},
				"MsiExecutionContext": {det.Msi.MsiExecutionContext, ctx},
				"MsiIsMachineInstall": {det.Msi.MsiIsMachineInstall, strconv.FormatBool(machine)},
				"MsiIsUserInstall":    {det.Msi.MsiIsUserInstall, strconv.FormatBool(!machine)},
				"MsiRequiresLogon":    {det.Msi.MsiRequiresLogon, strconv.FormatBool(!machine)},
				"MsiRequiresReboot":   {det.Msi.MsiRequiresReboot, "false"},
				"MsiIncludesServices": {det.Msi.MsiIncludesServices, "false"},
				// Per machine, gomsi's state and the system PATH are in HKLM.
				"MsiContainsSystemRegistryKeys": {det.Msi.MsiContainsSystemRegistryKeys, strconv.FormatBool(machine)},
				"MsiContainsSystemFolders":      {det.Msi.MsiContainsSystemFolders, "false"},
				"ProfileIdentifier":             {det.Enc.ProfileIdentifier, "ProfileVersion1"},
				"FileDigestAlgorithm":           {det.Enc.FileDigestAlgorithm, "SHA256"},
				"FileName":                      {det.FileName, "IntunePackage.intunewin"},
			}
			for k, c := range checks {
				if c[0] != c[1] {
					t.Errorf("%s = %q, want %q", k, c[0], c[1])
				}
			}

			// A second package of the same MSI has other keys, and but for
			// them the same entries, times and content size.
			if _, err := deploy.WriteIntune(context.Background(), m, epoch); err != nil {
				t.Fatal(err)
			}
			entries2, det2 := openIntunewin(t, path, epoch)
			if det2.Enc.EncryptionKey == det.Enc.EncryptionKey || det2.Enc.MacKey == det.Enc.MacKey || det2.Enc.InitializationVector == det.Enc.InitializationVector {
				t.Error("two packages share a key or IV")
			}
			if len(entries2[contentEntry]) != len(enc) || det2.Enc.FileDigest != det.Enc.FileDigest {
				t.Error("two packages of one MSI hold different content")
			}
		})
	}
}

// TestIntunewinRefusesAChangedMSI: an MSI that changed after it was read
// is not packaged, and nothing is left behind.
func TestIntunewinRefusesAChangedMSI(t *testing.T) {
	dir := t.TempDir()
	msi := filepath.Join(dir, "go1.26.8.windows-amd64.msi")
	copyFile(t, testMSIs(t)["amd64 machine"], msi)
	m, err := deploy.ReadMSI(msi)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(msi, os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte("appended"))
	f.Close()
	if _, err := deploy.WriteIntune(context.Background(), m, time.Time{}); err == nil || !strings.Contains(err.Error(), "changed while it was packaged") {
		t.Errorf("WriteIntune of a changed MSI: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	copyFile(t, testMSIs(t)["amd64 machine"], msi)
	if _, err := deploy.WriteIntune(ctx, m, time.Time{}); err == nil {
		t.Error("WriteIntune ran with a cancelled context")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

// openIntunewin reads the outer zip: exactly the two entries, dated epoch.
func openIntunewin(t *testing.T, path string, epoch time.Time) (map[string][]byte, detectionXML) {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	entries := map[string][]byte{}
	for _, f := range z.File {
		if !f.Modified.Equal(epoch) {
			t.Errorf("%s dated %v, want %v", f.Name, f.Modified, epoch)
		}
		entries[f.Name] = readZipFile(t, f)
	}
	if len(entries) != 2 {
		t.Fatalf("entries %v", z.File)
	}
	var det detectionXML
	if err := xml.Unmarshal(entries["IntuneWinPackage/Metadata/Detection.xml"], &det); err != nil {
		t.Fatalf("Detection.xml: %v", err)
	}
	return entries, det
}

func readZipFile(t *testing.T, f *zip.File) []byte {
	t.Helper()
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	return b
}

func unb64(t *testing.T, s string, n int) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != n {
		t.Fatalf("base64 %q: %d bytes (want %d), %v", s, len(b), n, err)
	}
	return b
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
