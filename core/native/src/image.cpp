// Decoding of JPEG, PNG, BMP and WebP (with a header-first size guard against decompression bombs) and JPEG encoding.
#include "internal.hpp"

#include <opencv2/imgcodecs.hpp>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

struct Header {
    int32_t format = BN_FORMAT_UNKNOWN;
    int64_t width = 0;
    int64_t height = 0;
};

uint32_t be16(const uint8_t* p) { return (uint32_t{p[0]} << 8) | p[1]; }
uint32_t be32(const uint8_t* p) { return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]; }
uint32_t le16(const uint8_t* p) { return uint32_t{p[0]} | (uint32_t{p[1]} << 8); }
uint32_t le32(const uint8_t* p) { return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24); }

bool is_sof(uint8_t marker) {
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// Walks the JPEG marker segments up to the frame header (SOFn) without decoding anything.
int32_t probe_jpeg(const uint8_t* d, int64_t n, Header& h) {
    int64_t pos = 2;
    while (pos < n) {
        if (d[pos] != 0xFF) {
            return bn::fail(BN_E_CORRUPT_IMAGE, "corrupt JPEG: marker expected before the frame header");
        }
        while (pos < n && d[pos] == 0xFF) ++pos;  // fill bytes
        if (pos >= n) break;
        const uint8_t marker = d[pos++];
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no payload
        if (marker == 0xD9 || marker == 0xDA) {
            return bn::fail(BN_E_CORRUPT_IMAGE, "corrupt JPEG: no frame header (SOF) before the image data");
        }
        if (pos + 2 > n) break;
        const uint32_t length = be16(d + pos);
        if (length < 2) return bn::fail(BN_E_CORRUPT_IMAGE, "corrupt JPEG: invalid segment length");
        if (is_sof(marker)) {
            if (pos + 7 > n) break;
            h.height = be16(d + pos + 3);
            h.width = be16(d + pos + 5);
            if (h.width == 0 || h.height == 0) {
                return bn::failf(BN_E_CORRUPT_IMAGE, "corrupt or unsupported JPEG: frame header gives size %lldx%lld",
                                 static_cast<long long>(h.width), static_cast<long long>(h.height));
            }
            return BN_OK;
        }
        pos += length;
    }
    return bn::fail(BN_E_CORRUPT_IMAGE, "truncated JPEG: the data ends before the frame header");
}

uint32_t le24(const uint8_t* p) { return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16); }

// WebP (RIFF container): the first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended, canvas size).
int32_t probe_webp(const uint8_t* d, int64_t n, Header& h) {
    const uint8_t* chunk = d + 12;
    if (std::memcmp(chunk, "VP8 ", 4) == 0) {
        if (n < 30 || d[23] != 0x9D || d[24] != 0x01 || d[25] != 0x2A) {
            return bn::fail(BN_E_CORRUPT_IMAGE, "corrupt WebP: invalid VP8 frame header");
        }
        h.width = le16(d + 26) & 0x3FFF;
        h.height = le16(d + 28) & 0x3FFF;
    } else if (std::memcmp(chunk, "VP8L", 4) == 0) {
        if (n < 25 || d[20] != 0x2F) return bn::fail(BN_E_CORRUPT_IMAGE, "corrupt WebP: invalid VP8L header");
        const uint32_t bits = le32(d + 21);
        h.width = (bits & 0x3FFF) + 1;
        h.height = ((bits >> 14) & 0x3FFF) + 1;
    } else if (std::memcmp(chunk, "VP8X", 4) == 0) {
        if (n < 30) return bn::fail(BN_E_CORRUPT_IMAGE, "corrupt WebP: truncated VP8X header");
        h.width = int64_t{le24(d + 24)} + 1;
        h.height = int64_t{le24(d + 27)} + 1;
    } else {
        return bn::fail(BN_E_CORRUPT_IMAGE, "corrupt or unsupported WebP: unknown first chunk");
    }
    return BN_OK;
}

int32_t probe(const uint8_t* d, int64_t n, Header& h) {
    static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
        h.format = BN_FORMAT_JPEG;
        return probe_jpeg(d, n, h);
    }
    if (n >= 8 && std::memcmp(d, png_signature, 8) == 0) {
        h.format = BN_FORMAT_PNG;
        if (n < 24 || std::memcmp(d + 12, "IHDR", 4) != 0) {
            return bn::fail(BN_E_CORRUPT_IMAGE, "corrupt PNG: the IHDR header chunk is missing or truncated");
        }
        h.width = be32(d + 16);
        h.height = be32(d + 20);
    } else if (n >= 2 && d[0] == 'B' && d[1] == 'M') {
        h.format = BN_FORMAT_BMP;
        if (n < 26) return bn::fail(BN_E_CORRUPT_IMAGE, "corrupt BMP: the header is truncated");
        const uint32_t info_size = le32(d + 14);
        if (info_size == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
            h.width = le16(d + 18);
            h.height = le16(d + 20);
        } else if (info_size >= 40) {
            h.width = static_cast<int32_t>(le32(d + 18));
            const int64_t height = static_cast<int32_t>(le32(d + 22));
            h.height = height < 0 ? -height : height;  // negative = top-down rows
        } else {
            return bn::failf(BN_E_CORRUPT_IMAGE, "corrupt BMP: unknown info header size %u", info_size);
        }
    } else if (n >= 16 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0) {
        h.format = BN_FORMAT_WEBP;
        if (int32_t s = probe_webp(d, n, h); s != BN_OK) return s;
    } else {
        return bn::fail(BN_E_UNSUPPORTED_FORMAT, "not a JPEG, PNG, BMP or WebP image (unrecognised signature)");
    }
    if (h.width <= 0 || h.height <= 0 || h.width > 0x7FFFFFFF || h.height > 0x7FFFFFFF) {
        return bn::failf(BN_E_CORRUPT_IMAGE, "corrupt image header: invalid size %lldx%lld",
                         static_cast<long long>(h.width), static_cast<long long>(h.height));
    }
    return BN_OK;
}

}  // namespace

extern "C" {

int32_t bn_image_probe(const uint8_t* data, int64_t length, int32_t* format, int32_t* width, int32_t* height) {
    return bn::guard("bn_image_probe", [&] {
        if (data == nullptr && length != 0) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_image_probe: data is null");
        if (length <= 0) return bn::fail(BN_E_UNSUPPORTED_FORMAT, "empty input: no image data");
        Header h;
        if (int32_t s = probe(data, length, h); s != BN_OK) return s;
        if (format != nullptr) *format = h.format;
        if (width != nullptr) *width = static_cast<int32_t>(h.width);
        if (height != nullptr) *height = static_cast<int32_t>(h.height);
        return BN_OK;
    });
}

int32_t bn_image_decode(const uint8_t* data, int64_t length, int32_t grayscale, int64_t max_pixels, bn_mat** out) {
    return bn::guard("bn_image_decode", [&] {
        if (out == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_image_decode: out is null");
        if (data == nullptr && length != 0) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_image_decode: data is null");
        if (length <= 0) return bn::fail(BN_E_UNSUPPORTED_FORMAT, "empty input: no image data");
        if (length > 0x7FFFFFFF) return bn::fail(BN_E_IMAGE_TOO_LARGE, "encoded image larger than 2 GiB");
        Header h;
        if (int32_t s = probe(data, length, h); s != BN_OK) return s;
        const int64_t pixels = h.width * h.height;
        if (max_pixels > 0 && pixels > max_pixels) {
            return bn::failf(BN_E_IMAGE_TOO_LARGE,
                             "image is %lldx%lld (%.1f megapixels); the limit is %.1f megapixels",
                             static_cast<long long>(h.width), static_cast<long long>(h.height), pixels / 1e6,
                             max_pixels / 1e6);
        }
        const cv::Mat encoded(1, static_cast<int>(length), CV_8UC1, const_cast<uint8_t*>(data));
        // IMREAD_COLOR / IMREAD_GRAYSCALE without IMREAD_IGNORE_ORIENTATION apply the EXIF orientation.
        cv::Mat decoded = cv::imdecode(encoded, grayscale != 0 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
        if (decoded.empty()) {
            static const char* names[] = {"image", "JPEG", "PNG", "BMP", "WebP"};
            return bn::failf(BN_E_CORRUPT_IMAGE, "corrupt or truncated %s: the %lldx%lld image could not be decoded",
                             names[h.format], static_cast<long long>(h.width), static_cast<long long>(h.height));
        }
        if (decoded.depth() != CV_8U) decoded.convertTo(decoded, CV_8U);
        return bn::publish(std::move(decoded), out);
    });
}

int32_t bn_encode_jpeg(const bn_mat* mat, int32_t quality, uint8_t** data, int64_t* length) {
    return bn::guard("bn_encode_jpeg", [&] {
        if (int32_t s = bn::require_image(mat, "bn_encode_jpeg"); s != BN_OK) return s;
        if (data == nullptr || length == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_encode_jpeg: null out");
        if (quality < 1 || quality > 100) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_encode_jpeg: quality must be 1..100, not %d", quality);
        }
        std::vector<uint8_t> buffer;
        if (!cv::imencode(".jpg", mat->mat, buffer, {cv::IMWRITE_JPEG_QUALITY, quality})) {
            return bn::fail(BN_E_OPENCV, "bn_encode_jpeg: the JPEG encoder failed");
        }
        auto* copy = static_cast<uint8_t*>(std::malloc(buffer.size()));
        if (copy == nullptr) return bn::fail(BN_E_OUT_OF_MEMORY, "bn_encode_jpeg: out of memory");
        std::memcpy(copy, buffer.data(), buffer.size());
        *data = copy;
        *length = static_cast<int64_t>(buffer.size());
        return BN_OK;
    });
}

}  // extern "C"
