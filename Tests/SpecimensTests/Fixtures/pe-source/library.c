/* Specimens fixture: a DLL. */
#include <windows.h>
__declspec(dllexport) int kk_add(int a, int b) { return a + b; }
BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID r) { if (reason == 1) OutputDebugStringA("hi"); return TRUE; }
