namespace Biometrics.Matcher.Hosting;

/// <summary>A local gallery checkpoint was refused (its reason is the message): the matcher loads from the store instead.</summary>
public sealed class GalleryCheckpointException(string reason) : Exception(reason);
