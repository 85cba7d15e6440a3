package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// writeOutput writes data to the output named by path (DESIGN §7). It is
// the one writer of every user-named output (build -o, eq -o, sim --csv and
// --vcd, fmt -w):
//
//   - "" and "-" are standard output;
//   - a regular file, or a name that does not exist yet, is replaced
//     atomically: data goes to a temp file in the same directory, which is
//     renamed over it, so a failed run leaves neither a half-written output
//     nor a temp file;
//   - anything else (a character or block device, a FIFO, a socket) is
//     opened and written in place: renaming over it would replace the
//     device itself (as root, /dev/null);
//   - a symlink is written through: the rules above apply to the end of its
//     chain, so the link survives, and a dangling link creates its target.
func writeOutput(path string, data []byte, stdout io.Writer) error {
	if path == "" || path == "-" {
		_, err := stdout.Write(data)
		return err
	}
	target, fi, err := outputTarget(path)
	if err != nil {
		return outputError(path, err)
	}
	switch {
	case fi == nil:
		err = replaceFile(target, data, 0o644)
	case fi.Mode().IsRegular():
		err = replaceFile(target, data, fi.Mode().Perm())
	case fi.IsDir():
		err = syscall.EISDIR
	default:
		err = writeInPlace(target, data)
	}
	if err != nil {
		return outputError(path, err)
	}
	return nil
}

// outputTarget returns the file that writing path changes and its info:
// path itself or the end of its symlink chain. fi is nil when that file
// does not exist yet.
func outputTarget(path string) (string, fs.FileInfo, error) {
	fi, err := os.Stat(path)
	switch {
	case err == nil && !fi.Mode().IsRegular():
		// Opening path follows the links, including /proc's magic ones
		// (/dev/stdout to a pipe), which EvalSymlinks cannot resolve.
		return path, fi, nil
	case err == nil:
		// The temp file must live in the directory of the link's target,
		// or the rename would replace the link.
		target, err := filepath.EvalSymlinks(path)
		return target, fi, err
	case !errors.Is(err, fs.ErrNotExist):
		return "", nil, err
	}
	// path or the end of its chain does not exist: follow the chain by hand
	// (EvalSymlinks fails on a dangling link) to the name to create.
	for range 255 {
		li, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil, nil
		}
		if err != nil || li.Mode()&fs.ModeSymlink == 0 {
			return path, li, err // created since Stat: take it as found
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", nil, err
		}
		if !filepath.IsAbs(link) {
			// Relative to the link's real directory: "dir/../x" through a
			// symlinked dir is not what filepath.Join makes of it.
			dir, err := filepath.EvalSymlinks(filepath.Dir(path))
			if err != nil {
				return "", nil, err
			}
			link = filepath.Join(dir, link)
		}
		path = link
	}
	return "", nil, syscall.ELOOP
}

// replaceFile writes data to a temp file next to path and renames it over
// path; on any error the temp file is removed and path is untouched.
func replaceFile(path string, data []byte, perm fs.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// writeInPlace opens an existing non-regular file (a device, a FIFO) and
// writes data to it; it never creates, truncates or renames anything.
func writeInPlace(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// outputError names the user's path rather than a temp file or a link's
// target: "out/top.sv: no such file or directory".
func outputError(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return fmt.Errorf("%s: %v", path, err)
}
