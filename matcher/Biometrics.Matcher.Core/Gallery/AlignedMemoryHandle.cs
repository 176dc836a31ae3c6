using System.Runtime.InteropServices;

namespace Biometrics.Matcher.Gallery;

/// <summary>Owns a block of 64-byte aligned native memory (freed exactly once, also on finalisation).</summary>
internal sealed unsafe class AlignedMemoryHandle : SafeHandle
{
    private AlignedMemoryHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <summary>Size of the block in bytes.</summary>
    public nuint ByteCount { get; private set; }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Allocates <paramref name="byteCount"/> zeroed bytes aligned to 64 bytes (one cache line, one zmm register).</summary>
    public static AlignedMemoryHandle Allocate(nuint byteCount)
    {
        var h = new AlignedMemoryHandle();
        var p = NativeMemory.AlignedAlloc(byteCount, 64);
        NativeMemory.Clear(p, byteCount);
        h.SetHandle((IntPtr)p);
        h.ByteCount = byteCount;
        return h;
    }

    /// <summary>The start of the block; valid until the handle is disposed.</summary>
    public void* Pointer => (void*)handle;

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        return true;
    }
}
