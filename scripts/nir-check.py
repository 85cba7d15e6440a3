#!/usr/bin/python3
"""Dump an HDF5 file as libhdf5 reads it, through h5py, as JSON.

    nir-check.py FILE...          print each file's tree (groups, datasets,
                                  attributes) as one line of JSON
    nir-check.py --nir FILE...    also read each file with NIR's own
                                  nir.read (if the nir package is
                                  importable) and add its node types
    nir-check.py --modify FILE... first let libhdf5 modify each file in
                                  place, then print it: in every group,
                                  delete the first member by name if it
                                  is a dataset, add an int64 dataset
                                  "zz_added" = [0 1 2] and set a str
                                  attribute "zz_added" = "x"

scc's HDF5 writer (nir/h5write.go) is tested against this dump: its
TestWriteHDF5H5py writes a Group, runs this script and compares the tree
it prints with the Group written. Every value is a string, so the dump is
exact and strict JSON: floats as Python's repr of the float64 value
(float32 widens exactly; "nan", "inf", "-inf"), integers and bools as
decimal, strings decoded from UTF-8.

A dataset or attribute is {"dtype", "shape", "values", "h5class"} plus,
for strings, "vlen", "strsize", "strpad" and "cset" of the string type,
and for a scalar, "pytype": the Python type h5py reads it as (NIR
compares a str attribute with ==, so np.bytes_ would not do); dtype is
one of float32 float64 int64 int32 bool string.
"""

import json
import sys

import h5py
import numpy as np


def value(obj, data):
    tid = obj.id.get_type()
    out = {"h5class": type(tid).__name__, "shape": list(obj.shape)}
    if obj.shape == ():
        out["pytype"] = type(data).__name__
    dt = obj.dtype
    arr = np.asarray(data)
    if dt.kind == "S" or h5py.check_string_dtype(dt) is not None:
        out["dtype"] = "string"
        out["vlen"] = tid.is_variable_str()
        out["strsize"] = tid.get_size()
        out["strpad"] = tid.get_strpad()
        out["cset"] = tid.get_cset()
        out["values"] = [
            v.decode("utf-8") if isinstance(v, bytes) else str(v)
            for v in arr.reshape(-1).tolist()
        ]
        return out
    names = {
        np.dtype("<f4"): "float32",
        np.dtype("<f8"): "float64",
        np.dtype("<i8"): "int64",
        np.dtype("<i4"): "int32",
        np.dtype("bool"): "bool",
    }
    if dt not in names:
        raise SystemExit("%s: unsupported dtype %s" % (obj.name, dt))
    out["dtype"] = names[dt]
    flat = arr.reshape(-1)
    if dt.kind == "f":
        out["values"] = [repr(float(v)) for v in flat.tolist()]
    else:
        out["values"] = [str(int(v)) for v in flat.tolist()]
    return out


class Attr:
    """An attribute seen through the same interface as a dataset."""

    def __init__(self, owner, name):
        self.id = h5py.h5a.open(owner.id, name.encode("utf-8"))
        self.name = "%s@%s" % (owner.name, name)
        self.shape = self.id.shape
        self.dtype = self.id.dtype
        self.owner, self.key = owner, name

    def read(self):
        return self.owner.attrs[self.key]


def group(g):
    out = {"groups": {}, "datasets": {}, "attrs": {}}
    for name in g.attrs:
        a = Attr(g, name)
        out["attrs"][name] = value(a, a.read())
    for name, obj in g.items():
        if isinstance(obj, h5py.Group):
            out["groups"][name] = group(obj)
        else:
            out["datasets"][name] = value(obj, obj[()])
    return out


def modify(g):
    groups = [g[name] for name in g if isinstance(g[name], h5py.Group)]
    names = sorted(g.keys())
    if names and isinstance(g[names[0]], h5py.Dataset):
        del g[names[0]]
    g.create_dataset("zz_added", data=np.arange(3, dtype="<i8"))
    g.attrs["zz_added"] = "x"
    for sub in groups:
        modify(sub)


def main(argv):
    check_nir = "--nir" in argv
    files = [a for a in argv if a not in ("--nir", "--modify")]
    if not files:
        raise SystemExit(__doc__)
    for path in files:
        if "--modify" in argv:
            with h5py.File(path, "r+") as f:
                modify(f)
        with h5py.File(path, "r") as f:
            tree = group(f)
        if check_nir:
            try:
                import nir
            except ImportError:
                tree["nir"] = "nir not importable"
            else:
                g = nir.read(path)
                tree["nir"] = {k: type(v).__name__ for k, v in g.nodes.items()}
        json.dump(tree, sys.stdout, sort_keys=True, ensure_ascii=False)
        sys.stdout.write("\n")

if __name__ == "__main__":
    main(sys.argv[1:])
