namespace Biometrics.Edge.Enrolment;

/// <summary>
/// Turns a folder tree with one sub-folder per identity (as <c>lfw-color-10/Ariel_Sharon/*.jpg</c>) into
/// <see cref="EnrolmentItem"/>s: the sub-folder's name is the subject id, its images (<c>.jpg .jpeg .png .bmp</c>, in
/// ordinal name order, not recursive) are the enrolment images, at most <c>maxImagesPerSubject</c> of them. Images lying
/// directly in the root are enrolled one subject per file, named after the file without its extension. Sub-folders
/// without images are listed in <see cref="EnrolmentPlan.Skipped"/>. Thread-safe (stateless).
/// </summary>
public static class EnrolmentFolderWalker
{
    private static readonly string[] s_extensions = [".jpg", ".jpeg", ".png", ".bmp"];

    /// <summary>Most images one enrolment request may carry.</summary>
    public const int MaxImagesPerRequest = 10;

    /// <summary>Walks <paramref name="root"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static EnrolmentPlan Walk(string root, int maxImagesPerSubject = MaxImagesPerRequest)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"'{root}' is not a folder");
        }

        maxImagesPerSubject = Math.Clamp(maxImagesPerSubject, 1, MaxImagesPerRequest);
        var items = new List<EnrolmentItem>();
        var skipped = new List<string>();
        foreach (var file in Images(root))
        {
            items.Add(new EnrolmentItem(Path.GetFileNameWithoutExtension(file), [file]));
        }

        foreach (var dir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var images = Images(dir).Take(maxImagesPerSubject).ToArray();
            if (images.Length == 0)
            {
                skipped.Add(dir);
                continue;
            }

            items.Add(new EnrolmentItem(Path.GetFileName(dir), images));
        }

        return new EnrolmentPlan(items, skipped);
    }

    /// <summary>True when <paramref name="path"/> has an image extension.</summary>
    public static bool IsImage(string path) => s_extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<string> Images(string dir) =>
        Directory.EnumerateFiles(dir).Where(IsImage).Order(StringComparer.Ordinal);
}
