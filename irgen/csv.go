package irgen

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"scc/ir"
	"scc/lang"
)

// The data files of a network (DESIGN §4.1): per-neuron and per-synapse
// values, dense matrices, sparse connection lists, spike trains and drive
// currents, all CSV read with encoding/csv. A file may start with a header
// row, recognised by its first field not being a number; the header names
// the columns. Blank lines and lines starting with '#' are skipped. Every
// error is positioned in the file (file:line:col, the file named as it is
// opened: relative to the source file's directory).

// table is one parsed CSV file: numeric rows and where each field is.
type table struct {
	file       string   // the name positions carry
	header     []string // nil without a header row
	rows       [][]float64
	lines      []int   // lines[r]: the line of row r
	cols       [][]int // cols[r][c]: the column (bytes, 1-based) of field c of row r
	end        int     // the line after the last row
	headerLine int     // 0 without a header
}

// pos returns the position of field c of row r (c may be len(row): just
// after the last field).
func (t *table) pos(r, c int) lang.Pos {
	if r >= len(t.rows) {
		return lang.Pos{File: t.file, Line: t.end, Col: 1}
	}
	col := 1
	if c < len(t.cols[r]) {
		col = t.cols[r][c]
	} else if n := len(t.cols[r]); n > 0 {
		col = t.cols[r][n-1]
	}
	return lang.Pos{File: t.file, Line: t.lines[r], Col: col}
}

// column returns the index of the header column named name, or -1.
func (t *table) column(name string) int {
	return slices.Index(t.header, name)
}

// readTable parses data as CSV of numbers.
func readTable(file string, data []byte) (*table, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.Comment = '#'
	r.ReuseRecord = true
	t := &table{file: file, end: 1}
	for first := true; ; first = false {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, lang.Errorf(lang.Pos{File: file, Line: pe.Line, Col: max(pe.Column, 1)}, msgCSVMalformed, pe.Err)
			}
			return nil, lang.Errorf(lang.Pos{File: file}, msgCSVMalformed, err)
		}
		line, _ := r.FieldPos(0)
		if first {
			if _, ok := parseNumber(rec[0]); !ok {
				t.header = make([]string, len(rec))
				for i, h := range rec {
					t.header[i] = strings.TrimSpace(h)
				}
				t.end = line + 1
				t.headerLine = line
				continue
			}
		}
		row := make([]float64, len(rec))
		cols := make([]int, len(rec))
		for i, s := range rec {
			l, c := r.FieldPos(i)
			cols[i] = c
			v, ok := parseNumber(s)
			if !ok {
				return nil, lang.Errorf(lang.Pos{File: file, Line: l, Col: c}, msgCSVNumber, strings.TrimSpace(s))
			}
			row[i] = v
		}
		t.rows = append(t.rows, row)
		t.lines = append(t.lines, line)
		t.cols = append(t.cols, cols)
		end, _ := r.FieldPos(len(rec) - 1)
		t.end = end + 1
	}
	return t, nil
}

// parseNumber reads one finite number.
func parseNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// width checks that every row has n fields.
func (t *table) width(n int) error {
	for r, row := range t.rows {
		if len(row) != n {
			return lang.Errorf(t.pos(r, min(len(row), n)), msgCSVColumns, len(row), n, columns(n))
		}
	}
	return nil
}

// values reads n values, one per row: the named column of a file with a
// header, or (column "") the only column.
func (t *table) values(column string, n int, what string) ([]float64, error) {
	c, err := t.pick(column, 1)
	if err != nil {
		return nil, err
	}
	if len(t.rows) != n {
		return nil, lang.Errorf(t.pos(min(len(t.rows), n), 0), msgCSVCount, len(t.rows), n, what)
	}
	out := make([]float64, n)
	for r, row := range t.rows {
		if c >= len(row) {
			return nil, lang.Errorf(t.pos(r, len(row)), msgCSVColumns, len(row), len(t.header), columns(len(t.header)))
		}
		out[r] = row[c]
	}
	return out, nil
}

// pick returns the index of the named column (the file must have a header
// naming it); without a name the file must have exactly width columns and
// pick returns 0.
func (t *table) pick(column string, width int) (int, error) {
	if column != "" {
		if t.header == nil {
			return 0, lang.Errorf(t.headerPos(), msgCSVNoHeader, column)
		}
		c := t.column(column)
		if c < 0 {
			return 0, lang.Errorf(t.headerPos(), msgCSVNoColumn, column, strings.Join(t.header, ","))
		}
		return c, nil
	}
	return 0, t.width(width)
}

// headerPos is the position of the header row (line 1 col 1 when none).
func (t *table) headerPos() lang.Pos {
	return lang.Pos{File: t.file, Line: max(t.headerLine, 1), Col: 1}
}

// readMatrix reads a dense matrix of rows×cols numbers (a row per line).
func (t *table) matrix(rows, cols int) ([][]float64, error) {
	if err := t.width(cols); err != nil {
		return nil, err
	}
	if len(t.rows) != rows {
		return nil, lang.Errorf(t.pos(min(len(t.rows), rows), 0), msgCSVRows, len(t.rows), rows, cols)
	}
	return t.rows, nil
}

// index converts field c of row r to a whole index in 0..n-1.
func (t *table) index(r, c, n int, what string) (int, error) {
	v := t.rows[r][c]
	if v != math.Trunc(v) || v < 0 || v >= float64(n) {
		return 0, lang.Errorf(t.pos(r, c), msgCSVIndex, what, fmtNum(v), n-1)
	}
	return int(v), nil
}

// sparseRow is one row of a sparse connection file: pre and post relative
// to the projection's slices, the weight, and the delay with its position
// (the zero Pos when the file has no delay column).
type sparseRow struct {
	pre, post int
	w, delay  float64
	dpos      lang.Pos
}

// sparse reads rows pre,post,w[,delay] (header names: pre, post, the
// weight column wcol, dcol) for a projection nPre → nPost.
func (t *table) sparse(nPre, nPost int, wcol, dcol string) ([]sparseRow, error) {
	ip, ipost, iw, id := 0, 1, 2, 3
	hasDelay := false
	if t.header != nil {
		cols := []*int{&ip, &ipost, &iw}
		for k, name := range []string{"pre", "post", wcol} {
			if *cols[k] = t.column(name); *cols[k] < 0 {
				return nil, lang.Errorf(t.headerPos(), msgCSVNoColumn, name, strings.Join(t.header, ","))
			}
		}
		id = t.column(dcol)
		hasDelay = id >= 0
		if err := t.width(len(t.header)); err != nil {
			return nil, err
		}
	} else if len(t.rows) > 0 {
		n := len(t.rows[0])
		if n != 3 && n != 4 {
			return nil, lang.Errorf(t.pos(0, min(n, 3)), msgCSVSparseColumns, n)
		}
		hasDelay = n == 4
		if err := t.width(n); err != nil {
			return nil, err
		}
	}
	out := make([]sparseRow, len(t.rows))
	for r := range t.rows {
		pre, err := t.index(r, ip, nPre, "pre index")
		if err != nil {
			return nil, err
		}
		post, err := t.index(r, ipost, nPost, "post index")
		if err != nil {
			return nil, err
		}
		out[r] = sparseRow{pre: pre, post: post, w: t.rows[r][iw]}
		if hasDelay {
			out[r].delay, out[r].dpos = t.rows[r][id], t.pos(r, id)
		}
	}
	return out, nil
}

// spikes reads a spike file of rows time_ms,index or step,index (the
// header's first name says which: "step", or "time_ms"/"time"/"t"; no
// header: time in ms) for a source of size neurons at step dt, sorted by
// (step, index). A time must be a multiple of dt within a relative 1e-9, a
// step ≥ 1, an index in 0..size-1, and no index may spike twice in a step.
func (t *table) spikes(size int, dt float64) ([]ir.SpikeEvent, error) {
	inSteps := false
	if t.header != nil {
		if len(t.header) != 2 {
			return nil, lang.Errorf(t.headerPos(), msgCSVColumns, len(t.header), 2, columns(2))
		}
		switch t.header[0] {
		case "step", "steps":
			inSteps = true
		case "time_ms", "time", "t", "t_ms":
		default:
			return nil, lang.Errorf(t.headerPos(), msgSpikeHeader, t.header[0])
		}
	}
	if err := t.width(2); err != nil {
		return nil, err
	}
	type ev struct {
		ir.SpikeEvent
		row int
	}
	evs := make([]ev, len(t.rows))
	for r, row := range t.rows {
		step := row[0]
		if !inSteps {
			step = math.Round(row[0] / dt)
			if math.Abs(row[0]/dt-step) > 1e-9*max(1, math.Abs(step)) {
				return nil, lang.Errorf(t.pos(r, 0), msgSpikeGrid, fmtNum(row[0]), fmtNum(dt))
			}
		}
		if step != math.Trunc(step) || step < 1 || step > math.MaxInt32 {
			return nil, lang.Errorf(t.pos(r, 0), msgSpikeStep, fmtNum(row[0]))
		}
		i, err := t.index(r, 1, size, "index")
		if err != nil {
			return nil, err
		}
		evs[r] = ev{ir.SpikeEvent{Step: int(step), Index: i}, r}
	}
	slices.SortStableFunc(evs, func(a, b ev) int {
		if a.Step != b.Step {
			return a.Step - b.Step
		}
		return a.Index - b.Index
	})
	out := make([]ir.SpikeEvent, len(evs))
	for k, e := range evs {
		if k > 0 && e.SpikeEvent == evs[k-1].SpikeEvent {
			first := evs[k-1].row
			if first > e.row {
				first, e.row = e.row, first
			}
			return nil, lang.Errorf(t.pos(e.row, 1), msgSpikeTwice, e.Index, e.Step, t.lines[first])
		}
		out[k] = e.SpikeEvent
	}
	return out, nil
}

// columns is "column" or "columns" for n.
func columns(n int) string {
	if n == 1 {
		return "column"
	}
	return "columns"
}

// fmtNum prints v for a message: shortest digits, no exponent for
// everyday magnitudes.
func fmtNum(v float64) string {
	if a := math.Abs(v); a == 0 || a >= 1e-4 && a < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// files reads and parses the network's data files once each.
type files struct {
	opt    *Options
	tables map[string]*table
}

// path is the name under which the file name, written in the source at
// pos, is opened: relative to Options.Dir, or else to the directory of the
// source file.
func (fs *files) path(name string, pos lang.Pos) string {
	if filepath.IsAbs(name) {
		return name
	}
	dir := fs.opt.Dir
	if dir == "" {
		dir = filepath.Dir(pos.File)
	}
	return filepath.Join(dir, name)
}

// table returns the parsed file name (written at pos).
func (fs *files) table(name string, pos lang.Pos) (*table, error) {
	path := fs.path(name, pos)
	if t, ok := fs.tables[path]; ok {
		return t, nil
	}
	read := fs.opt.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	data, err := read(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, lang.Errorf(pos, msgFileRead, name, err)
	}
	t, err := readTable(path, data)
	if err != nil {
		return nil, err
	}
	if fs.tables == nil {
		fs.tables = map[string]*table{}
	}
	fs.tables[path] = t
	return t, nil
}
