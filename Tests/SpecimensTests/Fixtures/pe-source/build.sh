#!/bin/sh
# Builds the PE fixtures (needs Debian's mingw-w64). Run from this folder; outputs go to ..
set -e
for arch in i686 x86_64; do
  cc=$arch-w64-mingw32-gcc; tool=$arch-w64-mingw32-dlltool
  k=""; [ $arch = i686 ] && k="-k"
  for def in ordinals oleaut private; do
    # x86-64 has no stdcall decoration: drop the @N after each name.
    if [ $arch = i686 ]; then cp $def.def /tmp/kk-$def.def; else sed 's/@[0-9]* @/ @/' $def.def > /tmp/kk-$def.def; fi
    $tool $k -d /tmp/kk-$def.def -l /tmp/kk-$def.$arch.a
  done
done
i686-w64-mingw32-gcc -Os -s -o ../console32.exe console.c /tmp/kk-ordinals.i686.a /tmp/kk-oleaut.i686.a /tmp/kk-private.i686.a
x86_64-w64-mingw32-gcc -Os -s -o ../console64.exe console.c /tmp/kk-ordinals.x86_64.a /tmp/kk-oleaut.x86_64.a /tmp/kk-private.x86_64.a
i686-w64-mingw32-gcc -Os -s -mwindows -o ../gui32.exe gui.c
x86_64-w64-mingw32-gcc -Os -s -shared -o ../library64.dll library.c
head -c 700 ../console64.exe > ../truncated64.exe
