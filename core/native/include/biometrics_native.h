/*
 * biometrics_native: a small C ABI over OpenCV 4.6 for the .NET face pipeline and gate agent.
 *
 * ABI rules
 *  - Every function that can fail returns an int status: BN_OK (0) or one of the BN_E_* codes below.
 *    The message of the last failure on the calling thread is returned by bn_last_error().
 *  - No C++ exception ever leaves this library: every entry point catches everything (cv::Exception,
 *    std::bad_alloc, ...) and turns it into a status.
 *  - Objects are opaque handles created by the library and released by the matching bn_*_free function.
 *    Outputs are written through out-pointers only on success; on failure they are left untouched.
 *  - Images (bn_mat) are 8-bit, 1 (grey) or 3 (BGR) channels, and continuous in memory.
 *  - Memory allocated by the library (bn_bytes) is released by bn_bytes_free.
 *  - Handles are not internally synchronised: one handle must not be used by two threads at once, except
 *    that read-only image functions may run concurrently on the same bn_mat.
 */
#ifndef BIOMETRICS_NATIVE_H
#define BIOMETRICS_NATIVE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(BN_BUILDING_LIBRARY)
#define BN_API __attribute__((visibility("default")))
#else
#define BN_API
#endif

#define BN_ABI_VERSION 1

/* Status codes. */
#define BN_OK 0
#define BN_E_INVALID_ARGUMENT 1 /* null pointer, bad size, bad enum value, ... */
#define BN_E_UNSUPPORTED_FORMAT 2 /* not a JPEG, PNG, BMP or WebP byte stream */
#define BN_E_CORRUPT_IMAGE 3 /* recognised format, but the header or data cannot be decoded */
#define BN_E_IMAGE_TOO_LARGE 4 /* header announces more pixels than the caller's limit */
#define BN_E_IO 5 /* file, camera or stream cannot be opened or written */
#define BN_E_OPENCV 6 /* cv::Exception (message in bn_last_error) */
#define BN_E_OUT_OF_MEMORY 7
#define BN_E_INTERNAL 8 /* any other exception */

/* Image formats recognised by bn_image_probe. */
#define BN_FORMAT_UNKNOWN 0
#define BN_FORMAT_JPEG 1
#define BN_FORMAT_PNG 2
#define BN_FORMAT_BMP 3
#define BN_FORMAT_WEBP 4

/* Interpolation (same values as cv::InterpolationFlags). */
#define BN_INTER_NEAREST 0
#define BN_INTER_LINEAR 1
#define BN_INTER_CUBIC 2
#define BN_INTER_AREA 3

/* Colour conversions for bn_convert_color. */
#define BN_COLOR_BGR2RGB 0
#define BN_COLOR_BGR2GRAY 1
#define BN_COLOR_GRAY2BGR 2

typedef struct bn_mat bn_mat;
typedef struct bn_capture bn_capture;
typedef struct bn_writer bn_writer;
typedef struct bn_qr_detector bn_qr_detector;

/* Geometry and memory of an image. data stays valid until the bn_mat is freed. */
typedef struct bn_mat_info {
    uint8_t* data;
    int32_t width;
    int32_t height;
    int32_t channels;
    int32_t reserved;
    int64_t stride; /* bytes per row (== width * channels: images are continuous) */
} bn_mat_info;

/* ---- library ---------------------------------------------------------------------------------- */
/* Message of the last failure on this thread (UTF-8, never NULL; empty when none). Valid until the next
   failing call on the same thread. */
BN_API const char* bn_last_error(void);
BN_API int32_t bn_abi_version(void);
/* OpenCV's own worker threads (cv::setNumThreads); n <= 0 restores OpenCV's default. */
BN_API int32_t bn_set_num_threads(int32_t n);
/* Frees memory returned through a uint8_t** out-pointer (bn_encode_jpeg, bn_qr_detect_decode). NULL is ok. */
BN_API void bn_bytes_free(uint8_t* data);

/* ---- images ------------------------------------------------------------------------------------ */
BN_API void bn_mat_free(bn_mat* mat);
BN_API int32_t bn_mat_info_get(const bn_mat* mat, bn_mat_info* info);
/* New zero-filled image. */
BN_API int32_t bn_mat_create(int32_t width, int32_t height, int32_t channels, bn_mat** out);
/* New image copied from caller memory with the given row stride (>= width * channels). */
BN_API int32_t bn_mat_from_pixels(const uint8_t* pixels, int64_t length, int32_t width, int32_t height,
                                  int32_t channels, int64_t stride, bn_mat** out);
BN_API int32_t bn_mat_clone(const bn_mat* mat, bn_mat** out);

/* Reads only the header: format and dimensions. Fails with BN_E_UNSUPPORTED_FORMAT or BN_E_CORRUPT_IMAGE. */
BN_API int32_t bn_image_probe(const uint8_t* data, int64_t length, int32_t* format, int32_t* width, int32_t* height);
/* Decodes JPEG / PNG / BMP / WebP into 8-bit BGR (grayscale == 0) or grey (grayscale != 0), applying the EXIF
   orientation of JPEG files. The header is read first: images with more than max_pixels pixels are
   rejected with BN_E_IMAGE_TOO_LARGE before any pixel memory is allocated. */
BN_API int32_t bn_image_decode(const uint8_t* data, int64_t length, int32_t grayscale, int64_t max_pixels,
                               bn_mat** out);
/* Encodes as baseline JPEG (quality 1..100). Free *data with bn_bytes_free. */
BN_API int32_t bn_encode_jpeg(const bn_mat* mat, int32_t quality, uint8_t** data, int64_t* length);

/* ---- image processing (every function returns a new image) ------------------------------------- */
BN_API int32_t bn_resize(const bn_mat* src, int32_t width, int32_t height, int32_t interpolation, bn_mat** out);
BN_API int32_t bn_convert_color(const bn_mat* src, int32_t conversion, bn_mat** out);
/* Copy of the rectangle clamped to the image; fails when the clamped rectangle is empty. */
BN_API int32_t bn_crop(const bn_mat* src, int32_t x, int32_t y, int32_t width, int32_t height, bn_mat** out);
/* flip_code as cv::flip: 1 = horizontal (mirror), 0 = vertical, -1 = both. */
BN_API int32_t bn_flip(const bn_mat* src, int32_t flip_code, bn_mat** out);
/* cv::warpAffine with the forward 2x3 matrix m2x3 (row-major, maps source to destination coordinates),
   bilinear interpolation, constant border 0. */
BN_API int32_t bn_warp_affine(const bn_mat* src, const double* m2x3, int32_t width, int32_t height, bn_mat** out);
/* Variance of the Laplacian (aperture 1: kernel [0 1 0; 1 -4 1; 0 1 0], as cv::Laplacian with ksize 1) of the
   grey image, computed in double precision: a sharpness measure (blurred images score low). */
BN_API int32_t bn_laplacian_variance(const bn_mat* src, double* out);
/* Mean grey level 0..255 (BGR images are converted with the ITU-R BT.601 weights first). */
BN_API int32_t bn_mean_brightness(const bn_mat* src, double* out);
/* Copies src into dst with its top-left corner at (x, y); parts outside dst are clipped. Channel counts may
   differ (grey is expanded to BGR, BGR reduced to grey). */
BN_API int32_t bn_paste(bn_mat* dst, const bn_mat* src, int32_t x, int32_t y);

/* ---- drawing (in place; colour as B, G, R; thickness < 0 fills) --------------------------------- */
BN_API int32_t bn_draw_rectangle(bn_mat* mat, int32_t x, int32_t y, int32_t width, int32_t height, uint8_t b,
                                 uint8_t g, uint8_t r, int32_t thickness);
BN_API int32_t bn_draw_circle(bn_mat* mat, int32_t cx, int32_t cy, int32_t radius, uint8_t b, uint8_t g, uint8_t r,
                              int32_t thickness);
BN_API int32_t bn_draw_line(bn_mat* mat, int32_t x1, int32_t y1, int32_t x2, int32_t y2, uint8_t b, uint8_t g,
                            uint8_t r, int32_t thickness);
/* ASCII text (Hershey simplex font); (x, y) is the bottom-left corner of the text. */
BN_API int32_t bn_draw_text(bn_mat* mat, const uint8_t* text, int32_t text_length, int32_t x, int32_t y, double scale,
                            uint8_t b, uint8_t g, uint8_t r, int32_t thickness);

/* ---- video capture ---------------------------------------------------------------------------------- */
/* A file path or a URL (anything OpenCV's FFmpeg / GStreamer / MJPEG back ends accept). */
BN_API int32_t bn_capture_open_path(const uint8_t* path_utf8, int32_t path_length, bn_capture** out);
BN_API int32_t bn_capture_open_index(int32_t index, bn_capture** out);
/* *frame is NULL (and BN_OK returned) at the end of the stream. Frames are 8-bit BGR. */
BN_API int32_t bn_capture_read(bn_capture* capture, bn_mat** frame);
/* Properties; unknown values are reported as 0. */
BN_API int32_t bn_capture_properties(bn_capture* capture, double* fps, int32_t* width, int32_t* height,
                                     int64_t* frame_count);
BN_API void bn_capture_free(bn_capture* capture);

/* ---- video writer ----------------------------------------------------------------------------------- */
/* fourcc: 4 ASCII characters, e.g. "MJPG" (safe with .avi: OpenCV's built-in MJPEG writer). */
BN_API int32_t bn_writer_open(const uint8_t* path_utf8, int32_t path_length, const char* fourcc, double fps,
                              int32_t width, int32_t height, int32_t is_color, bn_writer** out);
/* The frame must have the writer's size; channels are converted to the writer's colour mode. */
BN_API int32_t bn_writer_write(bn_writer* writer, const bn_mat* frame);
/* Finalises the file (writes the index) and frees the writer. */
BN_API void bn_writer_free(bn_writer* writer);

/* ---- QR codes ---------------------------------------------------------------------------------------- */
BN_API int32_t bn_qr_detector_create(bn_qr_detector** out);
BN_API void bn_qr_detector_free(bn_qr_detector* detector);
/* found = 0: no code. found = 1: corners (x0,y0,...,x3,y3) set; *text (free with bn_bytes_free) holds the
   decoded bytes, or is NULL with *text_length = -1 when the code was located but could not be decoded. */
BN_API int32_t bn_qr_detect_decode(bn_qr_detector* detector, const bn_mat* image, int32_t* found, float* corners8,
                                   uint8_t** text, int64_t* text_length);
/* Encodes text as a QR code image: 3-channel BGR, black modules on white, quiet zone of 4 modules,
   module_pixels pixels per module. correction: 0 = L, 1 = M, 2 = Q, 3 = H. */
BN_API int32_t bn_qr_encode(const uint8_t* text, int32_t text_length, int32_t module_pixels, int32_t correction,
                            bn_mat** out);

#ifdef __cplusplus
}
#endif

#endif /* BIOMETRICS_NATIVE_H */
