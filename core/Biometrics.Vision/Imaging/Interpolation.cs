namespace Biometrics.Vision.Imaging;

/// <summary>Resampling method for <see cref="Image.Resize"/> (values match OpenCV's INTER_* flags).</summary>
public enum Interpolation
{
    /// <summary>Nearest neighbour: fast, blocky; keeps exact pixel values.</summary>
    Nearest = 0,

    /// <summary>Bilinear: the default; what the face models were trained with.</summary>
    Linear = 1,

    /// <summary>Bicubic over 4x4 neighbourhoods: sharper enlargements.</summary>
    Cubic = 2,

    /// <summary>Pixel-area averaging: the best choice for strong downscaling (no aliasing).</summary>
    Area = 3,
}
