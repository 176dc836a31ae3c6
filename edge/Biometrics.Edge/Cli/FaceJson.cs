using System.Text;
using System.Text.Json;
using Biometrics.Vision.Face;

namespace Biometrics.Edge.Cli;

/// <summary>JSON output of the pipeline commands (one object per line, snake_case keys).</summary>
internal static class FaceJson
{
    private static readonly JsonWriterOptions s_options = new() { Indented = false };

    public static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            body(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static void Number(Utf8JsonWriter w, string name, double value, int decimals)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, Math.Round(value, decimals));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    public static void Face(Utf8JsonWriter w, FaceAnalysis face)
    {
        w.WriteStartObject();
        w.WriteStartObject("box");
        Number(w, "x1", face.Box.X1, 1);
        Number(w, "y1", face.Box.Y1, 1);
        Number(w, "x2", face.Box.X2, 1);
        Number(w, "y2", face.Box.Y2, 1);
        w.WriteEndObject();
        Number(w, "score", face.Score, 4);
        w.WriteBoolean("fallback", face.IsFallback);
        Points(w, "five_points", face.FivePoints);
        Points(w, "landmarks", face.Landmarks);
        w.WriteStartObject("quality");
        Number(w, "inter_eye_distance", face.Quality.InterEyeDistance, 2);
        Number(w, "face_width", face.Quality.FaceWidth, 2);
        Number(w, "sharpness", face.Quality.Sharpness, 2);
        Number(w, "brightness", face.Quality.Brightness, 2);
        Number(w, "yaw", face.Quality.Yaw, 2);
        Number(w, "pitch", face.Quality.Pitch, 2);
        Number(w, "roll", face.Quality.Roll, 2);
        w.WriteEndObject();
        if (face.Liveness is { } liveness)
        {
            w.WriteStartObject("liveness");
            Number(w, "live_score", liveness.LiveScore, 4);
            w.WriteStartArray("probabilities");
            foreach (var p in liveness.Probabilities)
            {
                w.WriteNumberValue(Math.Round(p, 4));
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("liveness");
        }

        w.WriteEndObject();
    }

    private static void Points(Utf8JsonWriter w, string name, IReadOnlyList<System.Numerics.Vector2> points)
    {
        w.WriteStartArray(name);
        foreach (var p in points)
        {
            w.WriteStartArray();
            w.WriteNumberValue(Math.Round(p.X, 1));
            w.WriteNumberValue(Math.Round(p.Y, 1));
            w.WriteEndArray();
        }

        w.WriteEndArray();
    }
}
