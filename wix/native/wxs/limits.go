package wxs

// The bounds below keep the reader's work on hostile or broken input finite.
// Each sits far above what real WiX sources need (a heat harvest of 100,000
// files is some 50 MiB of source, includes nest a few levels, a foreach
// walks a list of languages) and far below what would exhaust a build
// machine.
const (
	// maxDepth bounds element nesting (across includes): real sources nest a
	// few dozen levels, and a bound keeps hostile input from exhausting the
	// stack.
	maxDepth = 512
	// maxIncludeDepth bounds nested <?include?>s. candle stops at 1024; an
	// include chain that deep is a file including itself.
	maxIncludeDepth = 64
	// maxInputBytes bounds the bytes read from the source and all its
	// includes (an include read again in each pass of a <?foreach?> counts
	// each time).
	maxInputBytes = 256 << 20
	// maxOutputBytes bounds the preprocessed result: the text of every
	// element, attribute name and value kept.
	maxOutputBytes = 256 << 20
	// maxValueBytes bounds one preprocessed string (an attribute, a chunk of
	// text, a <?define?>d value), which self-referencing defines could
	// otherwise double at each step.
	maxValueBytes = 16 << 20
	// maxForeachItems bounds the list of one <?foreach?>, and
	// maxForeachPasses all passes of all <?foreach?>s (nested loops
	// multiply).
	maxForeachItems  = 10000
	maxForeachPasses = 100000
	// maxExpressionBytes and maxExpressionDepth bound an <?if?> expression
	// and its nesting (parentheses, not, and, or).
	maxExpressionBytes = 64 << 10
	maxExpressionDepth = 1000
	// maxFunctionDepth bounds functions in the arguments of functions.
	maxFunctionDepth = 16
	// maxLocalizationBytes bounds one .wxl file.
	maxLocalizationBytes = 64 << 20
)
