using Biometrics.Testing;
using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.IntegrationTests.Gate;

/// <summary>One stretch of a synthetic lane video: <paramref name="Frames"/> frames showing <paramref name="Photo"/>
/// (filling the frame like a camera image when <paramref name="Height"/> is 0, else pasted centred on a grey wall and
/// scaled to that many pixels high) or nothing, and optionally a QR code in a corner.</summary>
internal sealed record Scene(int Frames, string? Photo = null, string? Qr = null, int Height = 0);

/// <summary>Builds short MJPG lane videos (640x480) from the shared photos with the Vision video writer.</summary>
internal static class GateVideo
{
    public const int Width = 640;
    public const int HeightPx = 480;

    public static string Create(string directory, string name, double fps, params Scene[] scenes)
    {
        var path = Path.Combine(directory, name + ".avi");
        using var writer = new VideoWriter(path, fps, Width, HeightPx);
        foreach (var scene in scenes)
        {
            using var frame = Render(scene);
            for (var i = 0; i < scene.Frames; i++)
            {
                writer.Write(frame);
            }
        }

        return path;
    }

    public static Image Render(Scene scene)
    {
        var frame = Image.Create(Width, HeightPx);
        frame.DrawRectangle(0, 0, Width, HeightPx, new BgrColor(120, 125, 130), thickness: -1);
        if (scene.Photo is not null)
        {
            using var photo = Image.Load(scene.Photo);
            if (scene.Height == 0)
            {
                // Cover the frame (scale to fill, crop the overflow): a printed photo on a wall would rightly fail liveness.
                var scale = Math.Max(Width / (double)photo.Width, HeightPx / (double)photo.Height);
                using var filled = photo.Resize((int)Math.Ceiling(photo.Width * scale), (int)Math.Ceiling(photo.Height * scale));
                using var cropped = filled.Crop((filled.Width - Width) / 2, (filled.Height - HeightPx) / 2, Width, HeightPx);
                frame.Paste(cropped, 0, 0);
                return WithQr(frame, scene);
            }

            var h = scene.Height;
            var w = Math.Max(1, photo.Width * h / photo.Height);
            using var scaled = photo.Resize(w, h);
            frame.Paste(scaled, (Width - w) / 2, (HeightPx - h) / 2);
        }

        return WithQr(frame, scene);
    }

    private static Image WithQr(Image frame, Scene scene)
    {
        if (scene.Qr is not null)
        {
            using var code = Image.Decode(QrCodes.Png(scene.Qr, modulePixels: 3));
            frame.Paste(code, Width - code.Width - 4, HeightPx - code.Height - 4);
        }

        return frame;
    }
}
