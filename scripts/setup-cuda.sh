#!/usr/bin/env bash
# Installs onnxruntime-node's CUDA execution provider from PyPI wheels (never run by scripts/setup.sh).
#
# onnxruntime-node's own install script would fetch the provider from a NuGet feed, which this
# project's machines cannot reach. The same ONNX Runtime release is on PyPI as `onnxruntime-gpu`:
# its wheel carries libonnxruntime_providers_cuda.so and libonnxruntime_providers_shared.so,
# which this script puts next to onnxruntime-node's binding (where ONNX Runtime looks for them).
# onnxruntime-gpu 1.30.0 on PyPI is built for CUDA 13 (its METADATA: nvidia-cuda-runtime~=13.0,
# nvidia-cudnn-cu13~=9.0): the CUDA libraries come as NVIDIA's wheels, pinned below to the CUDA 13.0
# family (driver >= 580), extracted flat into one folder. An env file sets LD_LIBRARY_PATH to it.
#
#   bash scripts/setup-cuda.sh              # does nothing without nvidia-smi (says why)
#   bash scripts/setup-cuda.sh --force      # downloads and places the files anyway (to check the route)
#   bash scripts/setup-cuda.sh --no-cudnn   # skip cuDNN (351 MB wheel, 473 MB of libraries; loaded only for cuDNN ops)
#   bash scripts/setup-cuda.sh --check      # report what is in place, download nothing
#   bash scripts/setup-cuda.sh --cuda-libs-from-python=/opt/torch/.venv/bin/python3
#                                           # use the CUDA 13 libraries of that Python's nvidia-* packages
#                                           # (e.g. PyTorch cu130's) instead of downloading them
#   source "$(bash scripts/setup-cuda.sh --env-file)" && npx matdisc relax --device cuda …
#
# Idempotent: wheels are cached in $MATDISC_CACHE_DIR/cuda/ort-<version>-cu13/wheels (default
# ~/.cache/matdisc), a stamp records what was extracted, and a warm run touches nothing. `npm ci`
# (scripts/setup.sh after a lock change) rebuilds node_modules and drops the provider: run this again.
# Offline (e.g. a machine that reaches no registry): copy the wheels folder over and run with the
# same MATDISC_CACHE_DIR; pip is not called when every pinned wheel is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

force=0 cudnn=1 check=0 env_only=0 libs_python=
for arg in "$@"; do
  case "$arg" in
    --cuda-libs-from-python=*) libs_python=${arg#*=} ;;
    --force) force=1 ;;
    --no-cudnn) cudnn=0 ;;
    --check) check=1 ;;
    --env-file) env_only=1 ;;
    -h | --help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup-cuda: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

ORT_VERSION=1.30.0
# CUDA 13.0 family (what PyTorch's cu130 builds pin), for onnxruntime-gpu 1.30.0's `cuda` and `cudnn` extras.
CUDA_WHEELS=(
  nvidia-cuda-runtime==13.0.96 # libcudart.so.13 (NEEDED by the provider)
  nvidia-cublas==13.1.0.3      # libcublas.so.13, libcublasLt.so.13 (NEEDED)
  nvidia-curand==10.4.0.35     # libcurand.so.10 (NEEDED)
  nvidia-cufft==12.0.0.61      # libcufft.so.12 (the wheel's `cuda` extra; FFT ops)
  nvidia-cuda-nvrtc==13.0.88   # libnvrtc.so.13 (dlopened)
  nvidia-nvjitlink==13.0.88    # libnvJitLink.so.13 (NEEDED by cuFFT)
)
[ $cudnn = 1 ] && CUDA_WHEELS+=(nvidia-cudnn-cu13==9.15.1.9) # libcudnn*.so.9 (dlopened)
# What the provider cannot load without (readelf -d: NEEDED), besides the driver's libcuda.so.1.
NEEDED_LIBS=(libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcurand.so.10)
[ -n "$libs_python" ] && CUDA_WHEELS=()

cache="${MATDISC_CACHE_DIR:-$HOME/.cache/matdisc}/cuda/ort-$ORT_VERSION-cu13"
wheels="$cache/wheels"
lib="$cache/lib"
env_file="$cache/env.sh"
if [ $env_only = 1 ]; then echo "$env_file"; exit 0; fi

say() { printf 'setup-cuda: %s\n' "$*" >&2; }
node_ver=$(node -p "require('onnxruntime-node/package.json').version" 2>/dev/null || true)
if [ "$node_ver" != "$ORT_VERSION" ]; then
  say "onnxruntime-node is '${node_ver:-not installed}', this script is pinned to $ORT_VERSION (run scripts/setup.sh, or update the pins)"
  exit 1
fi
binding_dir=$(node -p "require('node:path').join(require('node:path').dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch)")
binding_dir=$(cd "$binding_dir" && pwd)
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  say "only Linux x86_64 has a CUDA provider wheel (this is $(uname -sm)); models run on the CPU"
  exit 0
fi
if ! command -v nvidia-smi >/dev/null && [ $force = 0 ] && [ $check = 0 ]; then
  say "nvidia-smi not found: no NVIDIA driver here, so CUDA cannot run and nothing was installed (models run on the CPU; --force installs the files anyway)"
  exit 0
fi

# Whether the extracted files are in place and match the stamp (pins + provider sizes).
pins_hash=$(printf '%s\n' "onnxruntime-gpu==$ORT_VERSION" "${CUDA_WHEELS[@]}" "$libs_python" | sha256sum | cut -c1-16)
stamp="$lib/.stamp-$pins_hash"
in_place() {
  [ -f "$stamp" ] || return 1
  local f
  for f in libonnxruntime_providers_cuda.so libonnxruntime_providers_shared.so; do
    [ -f "$binding_dir/$f" ] && [ "$(stat -c %s "$binding_dir/$f")" = "$(grep "^$f " "$stamp" | cut -d' ' -f2)" ] || return 1
  done
}

report() {
  say "provider:  $binding_dir/libonnxruntime_providers_{cuda,shared}.so ($(du -ch "$binding_dir"/libonnxruntime_providers_*.so 2>/dev/null | tail -1 | cut -f1))"
  if [ -n "$libs_python" ]; then say "CUDA libs: those of $libs_python"; else
    say "CUDA libs: $lib ($(du -sh "$lib" | cut -f1), $(find "$lib" -name '*.so*' | wc -l) files)"; fi
  say "env file:  $env_file"
  grep '^export' "$env_file"
  command -v nvidia-smi >/dev/null || say "no NVIDIA driver here (libcuda.so.1 comes with it): a session asked for CUDA falls back to the CPU"
}

# The CUDA library folders ($libpath); fails naming what the provider needs and they lack.
find_libs() {
  libpath=$lib
  if [ -n "$libs_python" ]; then
    # Every folder of that Python's nvidia namespace packages that holds a shared library.
    libpath=$("$libs_python" -c "import glob, os, nvidia; print(':'.join(sorted({os.path.dirname(f) for b in nvidia.__path__ for f in glob.glob(os.path.join(b, '**', 'lib*.so*'), recursive=True)})))")
  fi
  local so d found missing=() dirs
  IFS=: read -ra dirs <<<"$libpath"
  for so in "${NEEDED_LIBS[@]}"; do
    found=0
    for d in "${dirs[@]}"; do [ -e "$d/$so" ] && found=1 && break; done
    [ $found = 1 ] || missing+=("$so")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "the CUDA libraries lack ${missing[*]} (looked in $libpath)"
    return 1
  fi
}

if in_place && find_libs 2>/dev/null; then
  say "already in place (stamp $(basename "$stamp"))"
  report
  exit 0
fi
if [ $check = 1 ]; then
  say "not in place: run bash scripts/setup-cuda.sh (--force without a GPU)"
  exit 1
fi

# 1. Wheels (pip only for what the cache lacks) --------------------------------------------------
started=$SECONDS
mkdir -p "$wheels"
have_wheel() { # NAME==VERSION -> a cached wheel of that name and version
  local name=${1%%==*} version=${1##*==}
  compgen -G "$wheels/${name//-/_}-$version-*.whl" >/dev/null
}
need=()
for w in "onnxruntime-gpu==$ORT_VERSION" "${CUDA_WHEELS[@]}"; do have_wheel "$w" || need+=("$w"); done
if [ ${#need[@]} -gt 0 ]; then
  if [ -x .venv/bin/python ]; then py=.venv/bin/python; else py=python3; fi
  say "pip download ${need[*]}"
  # The wheels' binaries do not depend on the Python version: pin one so the cache is stable.
  "$py" -m pip download --disable-pip-version-check -q --no-deps --only-binary=:all: \
    --python-version 3.12 --implementation cp --abi cp312 \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    -d "$wheels" "${need[@]}"
fi
download_s=$((SECONDS - started))

# 2. Extract: provider next to the binding, CUDA libraries flat into $lib -------------------------
started=$SECONDS
rm -rf "$lib.tmp" && mkdir -p "$lib.tmp"
ort_wheel=$(compgen -G "$wheels/onnxruntime_gpu-$ORT_VERSION-*.whl" | head -1)
cuda_wheels=()
for w in "${CUDA_WHEELS[@]}"; do
  name=${w%%==*} version=${w##*==}
  cuda_wheels+=("$(compgen -G "$wheels/${name//-/_}-$version-*.whl" | head -1)")
done
python3 - "$ort_wheel" "$binding_dir" "$lib.tmp" "${cuda_wheels[@]}" <<'PY'
import os, shutil, sys, zipfile
ort_wheel, binding_dir, lib, *cuda_wheels = sys.argv[1:]
def extract(zf, member, dest):
    tmp = dest + '.part'
    with zf.open(member) as src, open(tmp, 'wb') as out:
        shutil.copyfileobj(src, out, 1 << 20)
    os.chmod(tmp, 0o755)
    os.replace(tmp, dest)  # atomic: a running process keeps the old file
with zipfile.ZipFile(ort_wheel) as zf:
    for name in ('libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'):
        extract(zf, f'onnxruntime/capi/{name}', os.path.join(binding_dir, name))
for wheel in cuda_wheels:
    with zipfile.ZipFile(wheel) as zf:
        for m in zf.namelist():
            base = os.path.basename(m)
            if m.startswith('nvidia/') and '/lib/' in m and '.so' in base:
                extract(zf, m, os.path.join(lib, base))
PY
rm -rf "$lib" && mv "$lib.tmp" "$lib"
find_libs
{
  for f in libonnxruntime_providers_cuda.so libonnxruntime_providers_shared.so; do
    echo "$f $(stat -c %s "$binding_dir/$f")"
  done
} >"$stamp"
cat >"$env_file" <<EOF
# Written by scripts/setup-cuda.sh: the CUDA 13 libraries of onnxruntime-node $ORT_VERSION's CUDA provider.
export LD_LIBRARY_PATH=$libpath\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
EOF
say "done: download ${download_s} s, extract $((SECONDS - started)) s; wheels $(du -sh "$wheels" | cut -f1) in $wheels"
report
