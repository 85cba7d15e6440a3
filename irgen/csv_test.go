package irgen

import (
	"errors"
	"strings"
	"testing"

	"scc/lang"
)

func TestReadTable(t *testing.T) {
	tab, err := readTable("x.csv", []byte("# comment\n\na, b\n1, 2.5\n\n-3,4e1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tab.header, "|") != "a|b" || len(tab.rows) != 2 || tab.rows[1][1] != 40 {
		t.Fatalf("table = %+v, want header a|b and rows [1 2.5] [-3 40]", tab)
	}
	if got := tab.pos(1, 1).String(); got != "x.csv:6:4" {
		t.Errorf("pos(1, 1) = %s, want x.csv:6:4", got)
	}
	if got := tab.headerPos().String(); got != "x.csv:3:1" {
		t.Errorf("headerPos = %s, want x.csv:3:1", got)
	}
	for _, bad := range []struct{ src, want string }{
		{"1,2\n3,inf\n", `x.csv:2:3: expected a number, found "inf"`},
		{"1,NaN\n", `x.csv:1:3: expected a number, found "NaN"`},
		{"h\n1\nx\n", `x.csv:3:1: expected a number, found "x"`},
		{"1,\"a\"b\n", `x.csv:1:5: malformed CSV: extraneous or missing " in quoted-field`},
	} {
		_, err := readTable("x.csv", []byte(bad.src))
		if err == nil || err.Error() != bad.want {
			t.Errorf("readTable(%q) = %v, want %s", bad.src, err, bad.want)
		}
	}
}

// FuzzCSV: no file makes a reader panic, every error is a positioned
// lang error in the file, and what a reader accepts holds its promises
// (indices in range, spikes sorted and unique, the shape asked for).
func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"step,index\n1,0\n2,1\n", "time_ms,index\n0.1,0\n0.2,3\n", "0.1,0\n0.1,0\n",
		"pre,post,w,delay\n0,1,0.5,2\n", "0,1,2\n1,0,3\n", "1,2,3\n4,5,6\n", "\"1\",\"2\"\n", "1,\"2\n",
		"v\n1\n2\n3\n", "# c\n\n1e300,2\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := readTable("f.csv", data)
		if err != nil {
			positioned(t, err)
			return
		}
		if sp, err := tab.spikes(4, 0.1); err != nil {
			positioned(t, err)
		} else {
			for k, e := range sp {
				if e.Index < 0 || e.Index >= 4 || e.Step < 1 {
					t.Fatalf("spike %+v out of range", e)
				}
				if k > 0 && (e.Step < sp[k-1].Step || e.Step == sp[k-1].Step && e.Index <= sp[k-1].Index) {
					t.Fatalf("spikes %+v then %+v: not sorted and unique", sp[k-1], e)
				}
			}
		}
		if rows, err := tab.sparse(3, 2, "w", "delay"); err != nil {
			positioned(t, err)
		} else {
			for _, r := range rows {
				if r.pre < 0 || r.pre >= 3 || r.post < 0 || r.post >= 2 {
					t.Fatalf("sparse row %+v out of range", r)
				}
			}
		}
		if m, err := tab.matrix(2, 3); err != nil {
			positioned(t, err)
		} else if len(m) != 2 || len(m[0]) != 3 || len(m[1]) != 3 {
			t.Fatalf("matrix(2, 3) accepted a %d-row matrix", len(m))
		}
		if v, err := tab.values("", 3, "neuron"); err != nil {
			positioned(t, err)
		} else if len(v) != 3 {
			t.Fatalf("values(3) = %d values", len(v))
		}
		if tab.header != nil {
			if _, err := tab.values(tab.header[0], len(tab.rows), "neuron"); err != nil {
				positioned(t, err)
			}
		}
	})
}

func positioned(t *testing.T, err error) {
	t.Helper()
	var e *lang.Error
	if !errors.As(err, &e) || e.Pos.File != "f.csv" || e.Pos.Line < 1 || e.Pos.Col < 1 {
		t.Fatalf("error %v is not positioned in f.csv (line, col ≥ 1)", err)
	}
}
