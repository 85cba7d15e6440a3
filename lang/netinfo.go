package lang

// The checked form of a network's items (DESIGN §4.1, spec.md §3.2): names
// resolved, units checked, constants evaluated to canonical units (ms for
// time, kHz for rates), delays converted to whole steps. Nothing random is
// drawn and no file is read here: irgen instantiates the network from these
// specs (connectivity, distributions and files), so the checker stays pure.
// Every spec carries the position of its source text for irgen's errors.

// Slice is a population, or a range of its neurons: Lo..Hi-1 (the whole
// population when the source names no range).
type Slice struct {
	Pos    Pos
	Pop    string
	Lo, Hi int
}

// Len returns the number of neurons of s.
func (s Slice) Len() int { return s.Hi - s.Lo }

// DistKind is a kind of per-neuron or per-synapse value.
type DistKind uint8

// Distribution kinds.
const (
	DistConst   DistKind = iota // Value
	DistUniform                 // uniform in [A, B) (whole numbers A..B for delays)
	DistNormal                  // mean A, standard deviation B
	DistFile                    // one value per line (or per row's column) of File
	DistColumn                  // a column of the projection's sparse file
)

// Dist is a value given per neuron or per synapse: a constant, a seeded
// distribution or a file. Values are canonical units of Dim.
type Dist struct {
	Pos    Pos
	Kind   DistKind
	Value  float64
	A, B   float64
	Seed   uint64
	File   string // as written in the source (relative to the source file)
	Column string // DistColumn, DistFile with a header: the column's name
	Dim    Dim
}

// PerNeuron gives a population's parameter or initial state per neuron.
// A state's initial value is always here (Kind DistConst when the source
// gives a constant); a parameter only when it varies (a constant override
// of a parameter is PopInfo.Overrides).
type PerNeuron struct {
	Pos   Pos
	Name  string
	State bool // an initial value (true) or a parameter (false)
	Index int  // into the model's Params or States
	Value Dist
}

// ConnKind is a connector.
type ConnKind uint8

// Connectors.
const (
	ConnAllToAll ConnKind = iota
	ConnOneToOne
	ConnRandom        // each pair with probability P, seeded
	ConnFixedIndegree // K distinct pre neurons per post neuron, seeded
	ConnDense         // Matrix (N_post×N_pre, inline) or File; 0 means no synapse
	ConnSparse        // File of rows pre,post,w[,delay]
	ConnList          // Pairs
)

// Conn is a checked connector.
type Conn struct {
	Pos       Pos
	Kind      ConnKind
	P         float64
	K         int
	Seed      uint64
	File      string
	Matrix    [][]float64 // ConnDense inline: Matrix[post][pre], port units
	Pairs     [][2]int    // ConnList: (pre, post) relative to the slices
	AllowSelf bool        // random, fixed_indegree within one population: default true
}

// ProjInfo is a checked projection `proj name = pre -> post.port conn with rule { settings }`.
type ProjInfo struct {
	Pos       Pos
	Name      string
	Pre, Post Slice
	Port      string
	PortIndex int // into the target model's Inputs
	PortDim   Dim
	Conn      Conn
	// W in port units; Kind DistColumn for sparse files' w column (the
	// default of sparse). Unused by dense, whose Matrix or File holds the
	// weights (W is then the zero Dist of the port's Dim).
	W Dist
	// Delay in whole steps (a time was converted and checked against dt);
	// DistUniform draws whole steps A..B inclusive. DistFile and DistColumn
	// values are steps when Dim is dimensionless, else times in ms that
	// must be multiples of dt. The default is DistConst 1; for sparse it is
	// DistColumn "delay" with Value 1: the file's delay column (steps) when
	// it has one, else 1 step.
	Delay Dist
	// Rule names the synapse rule (Info.Synapses); W gives each synapse's
	// initial weight.
	Rule string // "" static
}

// SourceKind is a kind of spike source.
type SourceKind uint8

// Source kinds.
const (
	SourcePoisson SourceKind = iota
	SourceSpikes
)

// SourceInfo is a checked `source name = kind(settings)[size]`: a
// population whose spikes are given.
type SourceInfo struct {
	Pos         Pos
	Name        string
	Size        int
	Kind        SourceKind
	Rate        float64 // kHz; Rate·dt < 1
	Start, Stop int     // steps; Stop 0: no end
	Seed        uint64
	File        string // SourceSpikes: rows step,index or time,index
}

// DriveKind is a kind of drive.
type DriveKind uint8

// Drive kinds.
const (
	DriveCurrent DriveKind = iota
	DrivePoissonSum
)

// DriveInfo is a checked `drive name = kind(settings) -> targets`.
type DriveInfo struct {
	Pos     Pos
	Name    string
	Kind    DriveKind
	Targets []DriveTarget
	Value   float64 // current: constant, port units
	File    string  // current: one value per step
	N       int     // poisson_sum
	Rate    float64 // kHz; N·Rate·dt is the mean count per step
	W       float64 // port units
	Seed    uint64
}

// DriveTarget is one target of a drive.
type DriveTarget struct {
	Slice
	Port      string
	PortIndex int
}

// RecordKind is what a record keeps.
type RecordKind uint8

// Record kinds.
const (
	RecordSpikes RecordKind = iota
	RecordState
	RecordRate
)

// RecordInfo is a checked `record target what [every N steps]`.
type RecordInfo struct {
	Pos    Pos
	Target Slice
	Kind   RecordKind
	Vars   []int // RecordState: state indices of the population's model
	Every  int   // steps, ≥ 1 (default 1)
}

// SynapseInfo is a checked `synapse Name { … }` rule. OnPre and OnPost are
// models the checker synthesised from the rule (names "<Rule>__pre" and
// "<Rule>__post", also in Info.Models, so irgen lowers them like any
// model): their states are the synapse state (w first, with its range),
// their inputs the pre trace then the post trace, and each body
// assignment `w = e` is the map `w' = e`.
type SynapseInfo struct {
	Pos           Pos
	Name          string
	Pre, Post     *TraceInfo // nil when absent
	OnPre, OnPost *ModelInfo // nil when absent
}

// TraceInfo is a checked `trace pre|post x decay tau add|set a`.
type TraceInfo struct {
	Pos  Pos
	Name string
	Tau  float64 // ms
	Add  float64
	Set  bool
}
