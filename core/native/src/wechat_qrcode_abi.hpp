// Declaration of cv::wechat_qrcode::WeChatQRCode as exported by Debian's libopencv_wechat_qrcode.so.406
// (OpenCV contrib 4.6). Debian ships that library with python3-opencv (package libopencv-contrib406) but its
// header only with libopencv-contrib-dev, which drags in every other OpenCV -dev package. The 4.6 ABI is small
// and stable: a constructor taking four model paths (empty = no CNN models: the built-in zxing-derived
// detector/decoder is used), detectAndDecode, and one shared-pointer member. Objects are constructed by the
// exported constructor into storage larger than the real object, so a layout surprise cannot overflow.
//
// Why we need it: Debian builds OpenCV 4.6 without the quirc library, so cv::QRCodeDetector can locate a QR
// code but not decode it ("Library QUIRC is not linked").
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace cv {
namespace wechat_qrcode {

class CV_EXPORTS WeChatQRCode {
public:
    WeChatQRCode(const std::string& detector_prototxt_path = "", const std::string& detector_caffe_model_path = "",
                 const std::string& super_resolution_prototxt_path = "",
                 const std::string& super_resolution_caffe_model_path = "");
    ~WeChatQRCode() {}

    std::vector<std::string> detectAndDecode(InputArray img, OutputArrayOfArrays points = noArray());

protected:
    class Impl;
    Ptr<Impl> p;
};

}  // namespace wechat_qrcode
}  // namespace cv
