package deploy

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/gomsi/gomsi/internal/ctxio"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/product"
)

// The .intunewin format, as Microsoft's IntuneWinAppUtil writes it (learned
// from independent open-source readers and writers of it): a zip holding
// IntuneWinPackage/Metadata/Detection.xml and the encrypted
// IntuneWinPackage/Contents/IntunePackage.intunewin. The encrypted file is
// HMAC-SHA256 (32 bytes) || IV (16) || AES-256-CBC with PKCS#7 padding of a
// zip of the setup folder, the HMAC taken over IV || ciphertext.
const (
	intuneContent    = "IntuneWinPackage/Contents/IntunePackage.intunewin"
	intuneMetadata   = "IntuneWinPackage/Metadata/Detection.xml"
	intuneFileName   = "IntunePackage.intunewin"
	intuneProfile    = "ProfileVersion1"
	intuneDigestAlgo = "SHA256"
	// intuneToolVersion is the IntuneWinAppUtil release whose format this is.
	intuneToolVersion = "1.8.6.0"
)

// IntunePath is where the Intune package of the MSI at msiPath goes:
// go1.26.8.windows-amd64.msi has go1.26.8.windows-amd64.intunewin.
func IntunePath(msiPath string) string { return product.Beside(msiPath, product.IntuneFile) }

// applicationInfo is Detection.xml.
type applicationInfo struct {
	XMLName                xml.Name       `xml:"ApplicationInfo"`
	XSD                    string         `xml:"xmlns:xsd,attr"`
	XSI                    string         `xml:"xmlns:xsi,attr"`
	ToolVersion            string         `xml:"ToolVersion,attr"`
	Name                   string         `xml:"Name"`
	UnencryptedContentSize int64          `xml:"UnencryptedContentSize"`
	FileName               string         `xml:"FileName"`
	SetupFile              string         `xml:"SetupFile"`
	EncryptionInfo         encryptionInfo `xml:"EncryptionInfo"`
	MsiInfo                msiInfo        `xml:"MsiInfo"`
}

type encryptionInfo struct {
	EncryptionKey        string `xml:"EncryptionKey"`
	MacKey               string `xml:"MacKey"`
	InitializationVector string `xml:"InitializationVector"`
	Mac                  string `xml:"Mac"`
	ProfileIdentifier    string `xml:"ProfileIdentifier"`
	FileDigest           string `xml:"FileDigest"`
	FileDigestAlgorithm  string `xml:"FileDigestAlgorithm"`
}

type msiInfo struct {
	ProductCode            string `xml:"MsiProductCode"`
	ProductVersion         string `xml:"MsiProductVersion"`
	PackageCode            string `xml:"MsiPackageCode"`
	UpgradeCode            string `xml:"MsiUpgradeCode"`
	ExecutionContext       string `xml:"MsiExecutionContext"` // System or User
	RequiresLogon          bool   `xml:"MsiRequiresLogon"`
	RequiresReboot         bool   `xml:"MsiRequiresReboot"`
	IsMachineInstall       bool   `xml:"MsiIsMachineInstall"`
	IsUserInstall          bool   `xml:"MsiIsUserInstall"`
	IncludesServices       bool   `xml:"MsiIncludesServices"`
	IncludesODBCDataSource bool   `xml:"MsiIncludesODBCDataSource"`
	SystemRegistryKeys     bool   `xml:"MsiContainsSystemRegistryKeys"`
	SystemFolders          bool   `xml:"MsiContainsSystemFolders"`
	Publisher              string `xml:"MsiPublisher"`
}

func msiInfoOf(m MSI) msiInfo {
	context := "User"
	if m.PerMachine {
		context = "System"
	}
	return msiInfo{
		ProductCode: m.ProductCode, ProductVersion: m.ProductVersion, PackageCode: m.PackageCode, UpgradeCode: m.UpgradeCode,
		ExecutionContext: context, RequiresLogon: !m.PerMachine, RequiresReboot: m.RequiresReboot,
		IsMachineInstall: m.PerMachine, IsUserInstall: !m.PerMachine,
		IncludesServices: m.IncludesServices, IncludesODBCDataSource: m.IncludesODBC,
		SystemRegistryKeys: m.SystemRegistryKeys, SystemFolders: m.SystemFolders, Publisher: m.Manufacturer,
	}
}

// WriteIntune writes the Intune Win32 package of m beside it and returns
// its path. Its keys and IV come from crypto/rand, so unlike every other
// output it differs on every run; everything else in it (entry order,
// times: modified, the MSI's bytes) is fixed.
func WriteIntune(ctx context.Context, m MSI, modified time.Time) (string, error) {
	path := IntunePath(m.Path)
	fail := func(err error) (string, error) { return "", fmt.Errorf("write Intune package %s: %w", path, err) }
	var key, macKey [32]byte
	var iv [aes.BlockSize]byte
	for _, b := range [][]byte{key[:], macKey[:], iv[:]} {
		if _, err := rand.Read(b); err != nil {
			return fail(err)
		}
	}
	dir := filepath.Dir(path)
	inner, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-content-*")
	if err != nil {
		return fail(err)
	}
	defer os.Remove(inner.Name())
	defer inner.Close()
	size, digest, err := zipSetupFolder(ctx, inner, m, modified)
	if err != nil {
		return fail(err)
	}
	enc, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-encrypted-*")
	if err != nil {
		return fail(err)
	}
	defer os.Remove(enc.Name())
	defer enc.Close()
	if _, err := inner.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	mac, encSize, crc, err := encrypt(ctx, enc, inner, key[:], macKey[:], iv[:])
	if err != nil {
		return fail(err)
	}
	info := applicationInfo{
		XSD: "http://www.w3.org/2001/XMLSchema", XSI: "http://www.w3.org/2001/XMLSchema-instance", ToolVersion: intuneToolVersion,
		Name: m.ProductName, UnencryptedContentSize: size, FileName: intuneFileName, SetupFile: m.Name,
		EncryptionInfo: encryptionInfo{
			EncryptionKey: b64(key[:]), MacKey: b64(macKey[:]), InitializationVector: b64(iv[:]), Mac: b64(mac),
			ProfileIdentifier: intuneProfile, FileDigest: b64(digest), FileDigestAlgorithm: intuneDigestAlgo,
		},
		MsiInfo: msiInfoOf(m),
	}
	detection, err := xml.MarshalIndent(info, "", "  ")
	if err != nil {
		return fail(err)
	}
	detection = append([]byte(xml.Header), append(detection, '\n')...)
	err = atomicfile.Stream(path, 0o644, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		if _, err := enc.Seek(0, io.SeekStart); err != nil {
			return err
		}
		// Sizes and CRCs go in the local headers (no data descriptors), which
		// every zip reader, streaming ones included, understands.
		content, err := zw.CreateRaw(dated(&zip.FileHeader{Name: intuneContent, Method: zip.Store,
			CRC32: crc, CompressedSize64: uint64(encSize), UncompressedSize64: uint64(encSize)}, modified))
		if err != nil {
			return err
		}
		if _, err := io.Copy(content, ctxio.Reader(ctx, enc)); err != nil {
			return err
		}
		var packed bytes.Buffer
		fw, _ := flate.NewWriter(&packed, flate.BestCompression)
		fw.Write(detection)
		if err := fw.Close(); err != nil {
			return err
		}
		meta, err := zw.CreateRaw(dated(&zip.FileHeader{Name: intuneMetadata, Method: zip.Deflate,
			CRC32: crc32.ChecksumIEEE(detection), CompressedSize64: uint64(packed.Len()), UncompressedSize64: uint64(len(detection))}, modified))
		if err != nil {
			return err
		}
		if _, err := meta.Write(packed.Bytes()); err != nil {
			return err
		}
		return zw.Close()
	})
	if err != nil {
		return fail(err)
	}
	return path, nil
}

// zipSetupFolder writes the setup folder (the MSI alone) as a zip and
// returns the zip's size and SHA-256. The MSI must still be the file m
// describes: its hash is checked on the way.
func zipSetupFolder(ctx context.Context, w io.Writer, m MSI, modified time.Time) (int64, []byte, error) {
	f, err := os.Open(m.Path)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(w, h)}
	zw := zip.NewWriter(cw)
	entry, err := zw.CreateHeader(&zip.FileHeader{Name: m.Name, Method: zip.Store, Modified: modified})
	if err != nil {
		return 0, nil, err
	}
	msiHash := sha256.New()
	if _, err := io.Copy(io.MultiWriter(entry, msiHash), ctxio.Reader(ctx, f)); err != nil {
		return 0, nil, err
	}
	if got := hex.EncodeToString(msiHash.Sum(nil)); got != m.SHA256 {
		return 0, nil, fmt.Errorf("%s changed while it was packaged (sha256 %s, read as %s): build again", m.Path, got, m.SHA256)
	}
	if err := zw.Close(); err != nil {
		return 0, nil, err
	}
	return cw.n, h.Sum(nil), nil
}

// encrypt writes HMAC || IV || AES-256-CBC(PKCS#7(plain)) to out and returns
// the HMAC, the size written and the CRC-32 of all of it.
func encrypt(ctx context.Context, out *os.File, plain io.Reader, key, macKey, iv []byte) (mac []byte, size int64, crc uint32, err error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, 0, 0, err
	}
	if _, err := out.Write(make([]byte, sha256.Size)); err != nil { // the HMAC, once known
		return nil, 0, 0, err
	}
	m := hmac.New(sha256.New, macKey)
	body := io.MultiWriter(out, m)
	if _, err := body.Write(iv); err != nil {
		return nil, 0, 0, err
	}
	cbc := cipher.NewCBCEncrypter(block, iv)
	const chunk = 1 << 20 // a multiple of the block size
	buf := make([]byte, chunk+aes.BlockSize)
	src := ctxio.Reader(ctx, plain)
	for done := false; !done; {
		n, err := io.ReadFull(src, buf[:chunk])
		switch err {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			pad := aes.BlockSize - n%aes.BlockSize
			n += copy(buf[n:n+pad], bytes.Repeat([]byte{byte(pad)}, pad))
			done = true
		default:
			return nil, 0, 0, err
		}
		cbc.CryptBlocks(buf[:n], buf[:n])
		if _, err := body.Write(buf[:n]); err != nil {
			return nil, 0, 0, err
		}
	}
	mac = m.Sum(nil)
	if _, err := out.WriteAt(mac, 0); err != nil {
		return nil, 0, 0, err
	}
	if size, err = out.Seek(0, io.SeekEnd); err != nil {
		return nil, 0, 0, err
	}
	c := crc32.NewIEEE()
	if _, err := out.Seek(0, io.SeekStart); err != nil {
		return nil, 0, 0, err
	}
	if _, err := io.Copy(c, ctxio.Reader(ctx, out)); err != nil {
		return nil, 0, 0, err
	}
	return mac, size, c.Sum32(), nil
}

// dated sets a header's MS-DOS time, which CreateRaw takes as given.
func dated(h *zip.FileHeader, t time.Time) *zip.FileHeader {
	t = t.UTC()
	h.Modified = t
	h.ModifiedDate = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	h.ModifiedTime = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return h
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
