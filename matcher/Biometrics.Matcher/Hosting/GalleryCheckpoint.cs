using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Security;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Hosting;

/// <summary>
/// This matcher's local gallery checkpoint (docs/MATCHER.md, "Start-up"; docs/SECURITY.md, "Gallery checkpoint"): loads
/// it at start when it is valid for this matcher and the change stream still holds every change since it, and writes it
/// (<see cref="GalleryCheckpointWriter"/> decides when). Any refusal is logged with its reason, the file is deleted, and
/// the caller loads the store snapshot. Thread-safe (writes are serialised).
/// </summary>
public sealed partial class GalleryCheckpoint : IDisposable
{
    private readonly CheckpointSettings _settings;
    private readonly TemplateStoreOptions _storeOptions;
    private readonly ITemplateStore _store;
    private readonly string _binding;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private byte[]? _key;

    /// <summary>Creates the checkpoint of this matcher: <paramref name="split"/>, <paramref name="models"/> and
    /// <paramref name="dimension"/> with the store's key prefix and pseudonymisation key bind the file to it.</summary>
    public GalleryCheckpoint(CheckpointSettings settings, TemplateStoreOptions storeOptions, SplitSettings split, IReadOnlyList<string> models,
        int dimension, ITemplateStore store, ILogger<GalleryCheckpoint> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(storeOptions);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(models);
        _settings = settings;
        _storeOptions = storeOptions;
        _store = store;
        _logger = logger;
        Path = string.IsNullOrWhiteSpace(settings.Directory) ? null : System.IO.Path.Combine(System.IO.Path.GetFullPath(settings.Directory), GalleryCheckpointFile.FileName);
        // The pseudonym of a name no subject has: a fingerprint of the pseudonymisation key (the galleries' keys are made with it).
        var pseudonyms = store.GetSubjectKey("\0biometrics.gallery-checkpoint").Hex[..16];
        _binding = string.Join('\n',
            "prefix=" + storeOptions.KeyPrefix,
            "split=" + (split.Parts > 1 ? $"{split.Part.ToString(CultureInfo.InvariantCulture)}/{split.Parts.ToString(CultureInfo.InvariantCulture)}" : "whole"),
            "models=" + string.Join(',', models.Order(StringComparer.Ordinal)),
            "dimension=" + dimension.ToString(CultureInfo.InvariantCulture),
            "pseudonyms=" + pseudonyms);
    }

    /// <summary>True when the checkpoint is read and written.</summary>
    public bool IsEnabled => _settings.IsOn;

    /// <summary>The checkpoint file (null without a folder).</summary>
    public string? Path { get; }

    /// <summary><see cref="GalleryRegistry.ChangesApplied"/> the file reflects; -1 while no file reflects the galleries.</summary>
    public long WrittenChanges { get; private set; } = -1;

    /// <summary><see cref="GalleryRegistry.ErasuresApplied"/> the file reflects.</summary>
    public long WrittenErasures { get; private set; }

    /// <summary>When the file was last written or loaded (UTC).</summary>
    public DateTime LastWritten { get; private set; } = DateTime.MinValue;

    /// <summary>
    /// Loads the checkpoint into <paramref name="registry"/> (not marked loaded) when it is valid and resumable; null (file
    /// deleted, reason logged) when it is not, or when there is none.
    /// </summary>
    /// <returns>The position to follow from, and the position to reach before the replica serves.</returns>
    /// <exception cref="Exception">The store could not be asked (down): try again later; the file is kept.</exception>
    public async Task<(ChangeStreamPosition From, ChangeStreamPosition Latest)?> TryLoadAsync(GalleryRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (Path is null) return null;
        if (!IsEnabled)
        {
            if (File.Exists(Path)) Delete("the checkpoint is turned off (Matcher:Checkpoint:Enabled=false)");
            return null;
        }

        GalleryCheckpointFile.TryDelete(Path + ".tmp"); // left by a write that did not finish
        if (!File.Exists(Path))
        {
            LogNone(_logger, Path);
            return null;
        }

        var clock = Stopwatch.StartNew();
        GalleryCheckpointFile.Reader? reader = null;
        try
        {
            reader = GalleryCheckpointFile.Reader.Open(Path, Key(), _binding);
            var check = await _store.CheckResumableAsync(reader.Position, cancellationToken).ConfigureAwait(false);
            if (check.Problem is not null) throw new GalleryCheckpointException("the change stream cannot replay what happened since: " + check.Problem);
            var open = reader;
            var position = await registry.ReloadFromCheckpointAsync(sink => Task.Run(() =>
            {
                open.ReadGalleries(sink, cancellationToken);
                return open.Position;
            }, cancellationToken)).ConfigureAwait(false);
            WrittenChanges = registry.ChangesApplied;
            WrittenErasures = registry.ErasuresApplied;
            LastWritten = DateTime.UtcNow;
            LogLoaded(_logger, Path, clock.Elapsed.TotalSeconds, Short(check.Latest));
            return (position, check.Latest);
        }
        catch (Exception ex) when (ex is GalleryCheckpointException or IOException or UnauthorizedAccessException or InvalidDataException or CryptographicException or ArgumentException)
        {
            Delete(ex is GalleryCheckpointException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}");
            return null;
        }
        finally
        {
            reader?.Dispose();
        }
    }

    /// <summary>Writes the galleries of <paramref name="registry"/> now (waits for a write in progress first).</summary>
    public async Task<GalleryCheckpointFile.WriteStats> WriteAsync(GalleryRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (Path is null || !IsEnabled) throw new InvalidOperationException("the checkpoint is off");
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var folder = System.IO.Path.GetDirectoryName(Path)!;
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var source = registry.CaptureForCheckpoint();
            var stats = await Task.Factory.StartNew(() => GalleryCheckpointFile.Write(Path, Key(), _binding, source, cancellationToken),
                cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            WrittenChanges = source.Changes;
            WrittenErasures = source.Erasures;
            LastWritten = DateTime.UtcNow;
            LogWritten(_logger, stats.Rows, stats.Bytes / 1e6, stats.Elapsed.TotalSeconds, stats.LongestLockHoldMs, Short(source.Position));
            return stats;
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Deletes the file (a refused or stale checkpoint must not be read again); logs why.</summary>
    public void Delete(string reason)
    {
        if (Path is null) return;
        LogRefused(_logger, Path, reason);
        GalleryCheckpointFile.TryDelete(Path);
        GalleryCheckpointFile.TryDelete(Path + ".tmp");
        WrittenChanges = -1;
    }

    private static string Short(ChangeStreamPosition p) => p.Id.Length > 40 ? "(one id per shard)" : p.Id;

    private byte[] Key() => _key ??= KeyMaterial.Load(_storeOptions.EncryptionKeyFile, _storeOptions.EncryptionKeyBase64);

    /// <summary>Wipes the key material.</summary>
    public void Dispose()
    {
        if (_key is not null) CryptographicOperations.ZeroMemory(_key);
        _writing.Dispose();
    }

    [LoggerMessage(EventId = 513, Level = LogLevel.Information, Message = "No gallery checkpoint at {Path}: loading the store snapshot")]
    private static partial void LogNone(ILogger logger, string path);

    [LoggerMessage(EventId = 514, Level = LogLevel.Information, Message = "Gallery checkpoint {Path} read in {Seconds:F1} s; catching up to {Latest} before serving")]
    private static partial void LogLoaded(ILogger logger, string path, double seconds, string latest);

    [LoggerMessage(EventId = 515, Level = LogLevel.Warning, Message = "Gallery checkpoint {Path} not used and deleted: {Reason}. Loading the store snapshot")]
    private static partial void LogRefused(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 516, Level = LogLevel.Information, Message = "Gallery checkpoint written: {Rows} rows, {Megabytes:F0} MB in {Seconds:F1} s (longest gallery lock hold {HoldMs:F1} ms), position {Position}")]
    private static partial void LogWritten(ILogger logger, long rows, double megabytes, double seconds, double holdMs, string position);
}
