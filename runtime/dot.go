package rt

import "math/bits"

// CountWidth is CNT_WIDTH of sc_dotproduct_to_current: clog2(n+1), the
// width of a popcount of n bits.
func CountWidth(n int) int { return bits.Len(uint(n)) }

// wrap returns the low w bits of x, sign-extended (two's complement wrap).
func wrap(x int64, w int) int64 {
	s := 64 - uint(w)
	return x << s >> s
}

// DotCurrentW is sc_dotproduct_to_current with N_INPUTS = n and DATA_WIDTH
// = w (2 ≤ w ≤ 30): I = y_min + trunc(P/n) where P is the W-bit wrapped
// range y_max − y_min, zero-extended and multiplied by count as an unsigned
// product of w+CountWidth(n) bits, then read back as signed (the Verilog
// signedness quirk). Every sum wraps at w bits. For 0 ≤ range < 2^(w-1)
// this is y_min + floor(range·count/n).
func DotCurrentW(count, n, w int, yMin, yMax int64) int64 {
	pw := w + CountWidth(n)
	rng := uint64(yMax-yMin) & (1<<w - 1)
	prod := int64(rng * uint64(count) & (1<<pw - 1))
	q := wrap(prod, pw) / int64(n) // truncates toward zero, as Verilog /
	return wrap(yMin+q, w)
}

// DotCurrent is DotCurrentW for DATA_WIDTH 16.
func DotCurrent(count, n int, yMin, yMax int16) int16 {
	return int16(DotCurrentW(count, n, 16, int64(yMin), int64(yMax)))
}

// CurrentTable fills tab[c] = DotCurrent(c, n, yMin, yMax) for c = 0..n and
// returns tab[:n+1]; the dense layers look currents up instead of dividing.
func CurrentTable(tab []int16, n int, yMin, yMax int16) []int16 {
	tab = tab[:n+1]
	for c := range tab {
		tab[c] = DotCurrent(c, n, yMin, yMax)
	}
	return tab
}
