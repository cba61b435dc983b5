// Why this file exists: Swift's Glibc module does not export posix_openpt, grantpt, unlockpt or ptsname_r (glibc
// declares them only under _XOPEN_SOURCE / _GNU_SOURCE, which the module map does not define), and a C target with a
// module map for four functions would be a second C boundary for nothing. These declarations bind the glibc symbols
// directly. They are safe on Linux because every argument and result is a plain integer or pointer, passed the same
// way by the Swift and C calling conventions. Nothing but PseudoTerminal.swift calls them.
#if canImport(Glibc)
import Glibc

/// `int posix_openpt(int flags)`: opens an unused pseudo-terminal master.
@_silgen_name("posix_openpt")
func c_posix_openpt(_ flags: Int32) -> Int32

/// `int grantpt(int fd)`: gives the caller the slave device.
@_silgen_name("grantpt")
func c_grantpt(_ fd: Int32) -> Int32

/// `int unlockpt(int fd)`: lets the slave be opened.
@_silgen_name("unlockpt")
func c_unlockpt(_ fd: Int32) -> Int32

/// `int ptsname_r(int fd, char *buf, size_t buflen)`: the slave's path; the reentrant form of `ptsname`, whose
/// static buffer is not safe with other threads.
@_silgen_name("ptsname_r")
func c_ptsname_r(_ fd: Int32, _ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int32
#endif
