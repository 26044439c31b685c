/* Specimens fixture: a GUI program. */
#include <windows.h>
int WINAPI WinMain(HINSTANCE a, HINSTANCE b, LPSTR c, int d) {
    MessageBoxA(NULL, "Kakehashi", "検体", MB_OK);
    return (int)GetTickCount();
}
