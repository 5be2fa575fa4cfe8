//go:build unix

package fileinfo

import "syscall"

// openNonBlocking keeps open from waiting for a FIFO's writer.
const openNonBlocking = syscall.O_NONBLOCK
