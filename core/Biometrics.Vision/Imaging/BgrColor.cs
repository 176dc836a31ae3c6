namespace Biometrics.Vision.Imaging;

/// <summary>A colour for the drawing helpers, in OpenCV's blue-green-red order. On grey images the BT.601
/// luma of the colour is drawn.</summary>
public readonly record struct BgrColor(byte B, byte G, byte R)
{
    public static BgrColor Black => new(0, 0, 0);

    public static BgrColor White => new(255, 255, 255);

    public static BgrColor Red => new(0, 0, 255);

    public static BgrColor Green => new(0, 255, 0);

    public static BgrColor Blue => new(255, 0, 0);

    public static BgrColor Yellow => new(0, 255, 255);
}
