namespace Biometrics.Edge.Capture;

/// <summary>How recorded sources (files, folders) are replayed.</summary>
public enum PacingMode
{
    /// <summary>As a camera would deliver them: each frame at index / fps after the start, frames that are already late
    /// are skipped (counted in <see cref="IFrameSource.DroppedFrames"/>). The default: budgets then mean wall-clock time.</summary>
    RealTime,

    /// <summary>Every frame, as fast as the agent can process them (benchmarks).</summary>
    AsFastAsPossible,
}
