//go:build !unix

package fileinfo

// openNonBlocking is unix's; elsewhere opening a file does not block.
const openNonBlocking = 0
