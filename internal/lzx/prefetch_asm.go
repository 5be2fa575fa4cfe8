//go:build amd64 || arm64

package lzx

// prefetch asks the CPU to bring the two cache lines of a hash bucket
// (from p on) into cache without waiting for them: a plain read would hold
// up every instruction after it until the line arrives.
//
//go:noescape
func prefetch(p *uint32)
