/* Specimens fixture: a console program importing by name and by ordinal (ws2_32, oleaut32, a private DLL). */
#include <stdio.h>
__declspec(dllimport) unsigned long __stdcall GetCurrentProcessId(void);
__declspec(dllimport) void __stdcall Sleep(unsigned long);
int __stdcall socket(int, int, int);
int __stdcall connect(int, const void *, int);
void *__stdcall SysAllocString(const unsigned short *);
int __stdcall kk_private(void);
int main(int argc, char **argv) {
    if (argc > 5) { socket(2, 1, 6); connect(0, 0, 0); SysAllocString(0); kk_private(); }
    printf("pid %lu\n", GetCurrentProcessId());
    Sleep(1);
    return 0;
}
