using System.Runtime.InteropServices;

namespace Biometrics.Matcher.Gallery;

/// <summary>Owns a block of aligned native memory (freed exactly once, also on finalisation).</summary>
internal sealed unsafe partial class AlignedMemoryHandle : SafeHandle
{
    /// <summary>Transparent huge page size on x64 Linux.</summary>
    private const nuint HugePage = 2 << 20;

    /// <summary>madvise(2) advice asking the kernel to back the range with transparent huge pages.</summary>
    private const int MadvHugePage = 14;

    /// <summary>madvise(2) advice that faults a whole range in, writable, in one call (Linux 5.14+).</summary>
    private const int MadvPopulateWrite = 23;

    private const int ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20;

    private static int _hugePagesUnavailable;
    private static int _mapUnavailable;

    /// <summary>True when the block is an mmap(2) mapping (freed with munmap), false when it came from AlignedAlloc.</summary>
    private bool _mapped;

    private AlignedMemoryHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <summary>Size of the block in bytes.</summary>
    public nuint ByteCount { get; private set; }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The start of the block; valid until the handle is disposed.</summary>
    public void* Pointer => (void*)handle;

    /// <summary>
    /// Allocates <paramref name="byteCount"/> zeroed bytes aligned to 64 bytes (one cache line, one zmm register).
    /// With <paramref name="hugePages"/>, blocks of at least 2 MiB are aligned to 2 MiB and, on Linux, advised for
    /// transparent huge pages before they are touched: a stream over hundreds of MB then takes one TLB entry per 2 MiB
    /// instead of per 4 KiB (a plain 512 MB read on two cores: 19 ms -> 11 ms). Without huge pages the memory works the same.
    /// On Linux, blocks of at least 2 MiB are mapped from the kernel (zero-filled, page-aligned) and faulted in with one
    /// <c>madvise(MADV_POPULATE_WRITE)</c> instead of a page fault per 4 KiB while they are cleared: at 1,000,000 gallery
    /// rows (2.5 GB) those faults and the clearing were a quarter of the matcher's start-up CPU (docs/PERFORMANCE.md, "Restart").
    /// With <paramref name="populate"/> false a mapped block is left unpopulated: its pages take memory only when first
    /// written, or when <see cref="Populate"/> faults a range in (a gallery segment is filled row by row, docs/SCALING.md,
    /// "What one matcher holds").
    /// </summary>
    public static AlignedMemoryHandle Allocate(nuint byteCount, bool hugePages = false, bool populate = true)
    {
        var h = new AlignedMemoryHandle();
        void* p;
        if (OperatingSystem.IsLinux() && byteCount >= HugePage && Volatile.Read(ref _mapUnavailable) == 0
            && (p = MapZeroed(ref byteCount, hugePages, populate)) != null)
        {
            h._mapped = true;
        }
        else if (hugePages && byteCount >= HugePage)
        {
            byteCount = (byteCount + HugePage - 1) & ~(HugePage - 1);
            p = NativeMemory.AlignedAlloc(byteCount, HugePage);
            AdviseHugePages(p, byteCount);
            NativeMemory.Clear(p, byteCount);
        }
        else
        {
            p = NativeMemory.AlignedAlloc(byteCount, 64);
            NativeMemory.Clear(p, byteCount);
        }

        h.SetHandle((IntPtr)p);
        h.ByteCount = byteCount;
        return h;
    }

    protected override bool ReleaseHandle()
    {
        if (_mapped)
        {
            _ = Munmap(handle, ByteCount);
        }
        else
        {
            NativeMemory.AlignedFree((void*)handle);
        }

        return true;
    }

    /// <summary>
    /// An anonymous private mapping (the kernel hands out zeroed pages), rounded up to whole 2 MiB so huge pages fit,
    /// advised for huge pages when asked, then populated in one call. Null when mmap is unavailable or refuses.
    /// </summary>
    private static void* MapZeroed(ref nuint byteCount, bool hugePages, bool populate)
    {
        var size = (byteCount + HugePage - 1) & ~(HugePage - 1);
        nint p;
        try
        {
            p = Mmap(0, size, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _mapUnavailable, 1);
            return null;
        }

        if (p == -1) return null;
        if (hugePages) AdviseHugePages((void*)p, size);
        if (populate && Madvise(p, size, MadvPopulateWrite) != 0)
        {
            NativeMemory.Clear((void*)p, size); // kernels before 5.14: fault the pages in by touching them
        }

        byteCount = size;
        return (void*)p;
    }

    /// <summary>
    /// Faults in [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of a mapped block in one
    /// call (whole pages around it), before it is written: the bulk load's rows without a page fault per 4 KiB. Pages
    /// already in are left as they are; without mmap or <c>MADV_POPULATE_WRITE</c> the writes fault them in as usual.
    /// </summary>
    public void Populate(nuint offset, nuint length)
    {
        if (!_mapped || length == 0) return;
        const nuint page = 4096;
        var start = offset & ~(page - 1);
        var end = Math.Min(ByteCount, (offset + length + page - 1) & ~(page - 1));
        _ = Madvise(handle + (nint)start, end - start, MadvPopulateWrite);
    }

    private static void AdviseHugePages(void* p, nuint byteCount)
    {
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref _hugePagesUnavailable) != 0)
        {
            return;
        }

        try
        {
            _ = Madvise((nint)p, byteCount, MadvHugePage); // advisory: a refusal (THP "never") leaves normal pages
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _hugePagesUnavailable, 1);
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(nint address, nuint length);
}
