// Video capture (file, URL, camera) and video writing.
#include "internal.hpp"

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cctype>
#include <string>

struct bn_capture {
    cv::VideoCapture capture;
};

struct bn_writer {
    cv::VideoWriter writer;
    cv::Size size;
    bool is_color;
};

namespace {

bool ends_with_avi(const std::string& path) {
    if (path.size() < 4) return false;
    std::string tail = path.substr(path.size() - 4);
    std::transform(tail.begin(), tail.end(), tail.begin(), [](unsigned char c) { return std::tolower(c); });
    return tail == ".avi";
}

int32_t read_path(const uint8_t* utf8, int32_t length, std::string& path, const char* function) {
    if (utf8 == nullptr || length <= 0) return bn::failf(BN_E_INVALID_ARGUMENT, "%s: empty path", function);
    path.assign(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
    if (path.find('\0') != std::string::npos) return bn::failf(BN_E_INVALID_ARGUMENT, "%s: path contains NUL", function);
    return BN_OK;
}

// Frames handed out are 8-bit BGR or grey whatever the back end delivers.
cv::Mat normalise_frame(cv::Mat frame) {
    if (frame.depth() != CV_8U) frame.convertTo(frame, CV_8U);
    if (frame.channels() == 4) cv::cvtColor(frame, frame, cv::COLOR_BGRA2BGR);
    else if (frame.channels() == 2) cv::cvtColor(frame, frame, cv::COLOR_BGR5652BGR);
    return frame;
}

}  // namespace

extern "C" {

int32_t bn_capture_open_path(const uint8_t* path_utf8, int32_t path_length, bn_capture** out) {
    return bn::guard("bn_capture_open_path", [&] {
        if (out == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_capture_open_path: out is null");
        std::string path;
        if (int32_t s = read_path(path_utf8, path_length, path, "bn_capture_open_path"); s != BN_OK) return s;
        auto handle = std::make_unique<bn_capture>();
        handle->capture.open(path, cv::CAP_ANY);
        if (!handle->capture.isOpened() && ends_with_avi(path)) {
            handle->capture.open(path, cv::CAP_OPENCV_MJPEG);  // built-in reader, no external libraries
        }
        if (!handle->capture.isOpened()) {
            return bn::fail(BN_E_IO, "cannot open video '" + path + "' (missing file, unsupported format or unreachable URL)");
        }
        *out = handle.release();
        return BN_OK;
    });
}

int32_t bn_capture_open_index(int32_t index, bn_capture** out) {
    return bn::guard("bn_capture_open_index", [&] {
        if (out == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_capture_open_index: out is null");
        if (index < 0) return bn::failf(BN_E_INVALID_ARGUMENT, "bn_capture_open_index: negative camera index %d", index);
        auto handle = std::make_unique<bn_capture>();
        handle->capture.open(index, cv::CAP_ANY);
        if (!handle->capture.isOpened()) {
            return bn::failf(BN_E_IO, "cannot open camera %d (no such device or it is busy)", index);
        }
        *out = handle.release();
        return BN_OK;
    });
}

int32_t bn_capture_read(bn_capture* capture, bn_mat** frame) {
    return bn::guard("bn_capture_read", [&] {
        if (capture == nullptr || frame == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_capture_read: null pointer");
        cv::Mat image;
        if (!capture->capture.read(image) || image.empty()) {
            *frame = nullptr;  // end of stream
            return BN_OK;
        }
        return bn::publish(normalise_frame(std::move(image)), frame);
    });
}

int32_t bn_capture_properties(bn_capture* capture, double* fps, int32_t* width, int32_t* height, int64_t* frame_count) {
    return bn::guard("bn_capture_properties", [&] {
        if (capture == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_capture_properties: capture is null");
        auto get = [&](int property) {
            const double v = capture->capture.get(property);
            return std::isfinite(v) && v > 0 ? v : 0.0;
        };
        if (fps != nullptr) *fps = get(cv::CAP_PROP_FPS);
        if (width != nullptr) *width = static_cast<int32_t>(get(cv::CAP_PROP_FRAME_WIDTH));
        if (height != nullptr) *height = static_cast<int32_t>(get(cv::CAP_PROP_FRAME_HEIGHT));
        if (frame_count != nullptr) {
            const double n = get(cv::CAP_PROP_FRAME_COUNT);
            *frame_count = n < 9.0e18 ? static_cast<int64_t>(n) : 0;
        }
        return BN_OK;
    });
}

void bn_capture_free(bn_capture* capture) {
    if (capture == nullptr) return;
    try {
        capture->capture.release();
    } catch (...) {
    }
    delete capture;
}

int32_t bn_writer_open(const uint8_t* path_utf8, int32_t path_length, const char* fourcc, double fps, int32_t width,
                       int32_t height, int32_t is_color, bn_writer** out) {
    return bn::guard("bn_writer_open", [&] {
        if (out == nullptr || fourcc == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_writer_open: null pointer");
        std::string path;
        if (int32_t s = read_path(path_utf8, path_length, path, "bn_writer_open"); s != BN_OK) return s;
        for (int i = 0; i < 4; ++i) {
            if (fourcc[i] < 0x20 || fourcc[i] > 0x7E) {
                return bn::fail(BN_E_INVALID_ARGUMENT, "bn_writer_open: fourcc must be 4 printable ASCII characters");
            }
        }
        if (!(fps > 0 && fps <= 1000)) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_writer_open: fps must be in (0, 1000]");
        if (width <= 0 || height <= 0 || width > bn::kMaxSide || height > bn::kMaxSide) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_writer_open: invalid frame size %dx%d", width, height);
        }
        const int code = cv::VideoWriter::fourcc(fourcc[0], fourcc[1], fourcc[2], fourcc[3]);
        auto handle = std::make_unique<bn_writer>();
        handle->size = cv::Size(width, height);
        handle->is_color = is_color != 0;
        // MJPG in .avi: OpenCV's own MJPEG writer needs no codec library and behaves the same everywhere.
        const bool builtin = code == cv::VideoWriter::fourcc('M', 'J', 'P', 'G') && ends_with_avi(path);
        handle->writer.open(path, builtin ? cv::CAP_OPENCV_MJPEG : cv::CAP_ANY, code, fps, handle->size,
                            handle->is_color);
        if (!handle->writer.isOpened()) {
            return bn::fail(BN_E_IO, "cannot open video writer for '" + path + "' with codec " +
                                         std::string(fourcc, 4) + " (unwritable path or unsupported codec/container)");
        }
        *out = handle.release();
        return BN_OK;
    });
}

int32_t bn_writer_write(bn_writer* writer, const bn_mat* frame) {
    return bn::guard("bn_writer_write", [&] {
        if (writer == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_writer_write: writer is null");
        if (int32_t s = bn::require_image(frame, "bn_writer_write"); s != BN_OK) return s;
        if (frame->mat.size() != writer->size) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_writer_write: frame is %dx%d but the video is %dx%d",
                             frame->mat.cols, frame->mat.rows, writer->size.width, writer->size.height);
        }
        const int wanted = writer->is_color ? 3 : 1;
        if (frame->mat.channels() == wanted) {
            writer->writer.write(frame->mat);
        } else {
            cv::Mat converted;
            cv::cvtColor(frame->mat, converted, wanted == 3 ? cv::COLOR_GRAY2BGR : cv::COLOR_BGR2GRAY);
            writer->writer.write(converted);
        }
        return BN_OK;
    });
}

void bn_writer_free(bn_writer* writer) {
    if (writer == nullptr) return;
    try {
        writer->writer.release();
    } catch (...) {
    }
    delete writer;
}

}  // extern "C"
