fn main() {
    dashboard::start();
}
