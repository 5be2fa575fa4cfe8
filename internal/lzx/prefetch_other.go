//go:build !amd64 && !arm64

package lzx

// prefetch is a hint that other architectures go without.
func prefetch(*uint32) {}
