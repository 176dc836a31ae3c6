namespace Biometrics.Vision.Imaging;

/// <summary>QR error-correction level: how much of the symbol may be damaged and still decode.</summary>
public enum QrErrorCorrection
{
    /// <summary>About 7 % recoverable.</summary>
    Low = 0,

    /// <summary>About 15 % recoverable.</summary>
    Medium = 1,

    /// <summary>About 25 % recoverable.</summary>
    Quartile = 2,

    /// <summary>About 30 % recoverable.</summary>
    High = 3,
}
